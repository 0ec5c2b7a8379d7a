//! Execution waves of a request's agents, and the overlaps between agents of one wave.

use super::request::CreateRequest;
use super::validate::{is_blank, join_names, normalize_relative_path};
use crate::domain::waves::{compute_waves, WaveError};
use std::collections::{BTreeMap, BTreeSet};

/// The roster as [`compute_waves`] takes it, minus what validation reports separately (blank and
/// repeated ids, self- and unknown dependencies), so that only genuine cycles remain.
pub(super) fn dependency_graph(request: &CreateRequest) -> Vec<(String, Vec<String>)> {
    let ids: BTreeSet<&str> = request
        .agents
        .iter()
        .map(|a| a.agent_id.as_str())
        .filter(|id| !is_blank(id))
        .collect();
    let mut seen = BTreeSet::new();
    request
        .agents
        .iter()
        .filter(|a| !is_blank(&a.agent_id) && seen.insert(a.agent_id.as_str()))
        .map(|agent| {
            let mut deps: Vec<String> = Vec::new();
            for dep in &agent.depends_on {
                if *dep != agent.agent_id && ids.contains(dep.as_str()) && !deps.contains(dep) {
                    deps.push(dep.clone());
                }
            }
            (agent.agent_id.clone(), deps)
        })
        .collect()
}

/// The execution wave (1-based) of every agent, for the wizard's preview and the generator.
/// Self- and unknown dependencies are ignored here (validation reports them); a cycle is an error.
pub fn execution_waves(request: &CreateRequest) -> Result<BTreeMap<String, u32>, WaveError> {
    compute_waves(&dependency_graph(request))
}

/// Overlap warnings: two agents of the same execution wave that are given the same
/// attachment would work on the same material at the same time.
///
/// Only attachments can overlap. Selected context files are not per-agent: all of them go into
/// the one `context-backbone.md` that every agent reads as background, so sharing them is the
/// point, not a conflict. Attachments are handed to specific agents; a path attachment and
/// another attachment with the same path count as the same thing.
///
/// Nothing is reported while the dependencies have a cycle (there are no waves then).
pub fn overlap_warnings(request: &CreateRequest) -> Vec<String> {
    let Ok(waves) = execution_waves(request) else {
        return Vec::new();
    };
    // What an attachment is "about": its normalised path, or its id for pasted text.
    let key_of = |id: &str| -> Option<(String, String)> {
        let attachment = request.attachments.iter().find(|a| a.id == id)?;
        let label = if is_blank(&attachment.name) {
            attachment.id.clone()
        } else {
            attachment.name.clone()
        };
        let key = match attachment.given_path().map(normalize_relative_path) {
            Some(Ok(path)) => format!("path:{path}"),
            _ => format!("id:{}", attachment.id),
        };
        Some((key, label))
    };
    // (wave, key) -> (label, agents in roster order)
    let mut holders: BTreeMap<(u32, String), (String, Vec<&str>)> = BTreeMap::new();
    let mut seen_agents = BTreeSet::new();
    for agent in &request.agents {
        if !seen_agents.insert(agent.agent_id.as_str()) {
            continue;
        }
        let Some(&wave) = waves.get(&agent.agent_id) else {
            continue;
        };
        for id in &agent.attachments {
            if let Some((key, label)) = key_of(id) {
                let entry = holders.entry((wave, key)).or_insert((label, Vec::new()));
                if !entry.1.contains(&agent.agent_id.as_str()) {
                    entry.1.push(&agent.agent_id);
                }
            }
        }
    }
    holders
        .into_iter()
        .filter(|(_, (_, agents))| agents.len() > 1)
        .map(|((wave, _), (label, agents))| {
            let names: Vec<String> = agents.iter().map(|a| a.to_string()).collect();
            let quantifier = if names.len() == 2 { "both" } else { "all" };
            format!(
                "{} {quantifier} get the attachment {label:?} in wave {wave}: they may change the same thing at the same time.",
                join_names(&names)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::create::validate::tests::{agent, file, valid};

    #[test]
    fn unknown_and_self_dependencies_do_not_hide_waves() {
        let mut request = valid();
        request.agents[0].depends_on = vec!["agent-1".into(), "ghost".into()];
        let waves = execution_waves(&request).unwrap();
        assert_eq!((waves["agent-1"], waves["agent-2"]), (1, 2));
    }

    #[test]
    fn overlaps_are_shared_attachments_within_a_wave() {
        let mut request = valid();
        request.agents.push(agent("agent-3", &[]));
        // agent-1 and agent-3 share wave 1; agent-2 is in wave 2.
        request.agents[0].attachments = vec!["a1".into(), "a2".into()];
        request.agents[1].attachments = vec!["a1".into()];
        request.agents[2].attachments = vec!["a1".into()];
        let warnings = overlap_warnings(&request);
        assert_eq!(
            warnings,
            ["agent-1 and agent-3 both get the attachment \"notes\" in wave 1: they may change the same thing at the same time."]
        );

        // The same file under two attachment ids is the same material.
        request
            .attachments
            .push(file("a3", "notes again", "./docs\\notes.md"));
        request.agents[2].attachments = vec!["a3".into()];
        assert_eq!(overlap_warnings(&request).len(), 1);

        // Different waves, different attachments, or shared context files: no warning.
        request.agents[2].attachments = vec!["a2".into()];
        request.agents[0].attachments = vec!["a1".into()];
        assert!(overlap_warnings(&request).is_empty());
        request.context_files = vec!["src/lib.rs".into()];
        assert!(overlap_warnings(&request).is_empty());

        // Three agents in one wave.
        for a in &mut request.agents {
            a.depends_on.clear();
            a.attachments = vec!["a2".into()];
        }
        assert_eq!(
            overlap_warnings(&request),
            ["agent-1, agent-2 and agent-3 all get the attachment \"log\" in wave 1: they may change the same thing at the same time."]
        );

        // No waves, no warnings.
        request.agents[0].depends_on = vec!["agent-2".into()];
        request.agents[1].depends_on = vec!["agent-1".into()];
        assert!(overlap_warnings(&request).is_empty());
    }
}
