//! Execution waves: agents grouped so that each one runs after everything it depends on.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaveError {
    /// The agents on a dependency cycle, in cycle order.
    Cycle(Vec<String>),
    /// `agent` depends on an agent that is not in the roster.
    UnknownDependency { agent: String, dependency: String },
}

impl std::fmt::Display for WaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Cycle(agents) => {
                write!(f, "dependency cycle: {}", agents.join(" -> "))?;
                if let Some(first) = agents.first() {
                    write!(f, " -> {first}")?;
                }
                Ok(())
            }
            Self::UnknownDependency { agent, dependency } => {
                write!(f, "{agent} depends on unknown agent {dependency}")
            }
        }
    }
}

/// Wave number (1-based) of every agent: 1 for agents without dependencies, otherwise one more
/// than the latest wave among its dependencies. `agents` is `(id, depends_on)` in roster order.
pub fn compute_waves(agents: &[(String, Vec<String>)]) -> Result<BTreeMap<String, u32>, WaveError> {
    // An id listed twice keeps its first entry: the one `hub status set` changes.
    let mut deps: BTreeMap<&str, &[String]> = BTreeMap::new();
    for (id, dependencies) in agents {
        deps.entry(id.as_str()).or_insert(dependencies.as_slice());
    }
    for (id, dependencies) in agents {
        if let Some(unknown) = dependencies
            .iter()
            .find(|dep| !deps.contains_key(dep.as_str()))
        {
            return Err(WaveError::UnknownDependency {
                agent: id.clone(),
                dependency: unknown.clone(),
            });
        }
    }

    let mut waves = BTreeMap::new();
    for (id, _) in agents {
        wave_of(id, &deps, &mut waves)?;
    }
    Ok(waves)
}

/// Depth-first through the dependencies of `id`, on a heap stack: `communication.json` is
/// agent-written, and a dependency chain as long as the roster (tens of thousands of agents fit
/// under the metadata cap) overflowed the call stack when this recursed.
fn wave_of<'a>(
    id: &'a str,
    deps: &BTreeMap<&'a str, &'a [String]>,
    waves: &mut BTreeMap<String, u32>,
) -> Result<u32, WaveError> {
    if let Some(&wave) = waves.get(id) {
        return Ok(wave);
    }
    // The chain being explored: (agent, index of its next dependency, its wave so far).
    let mut path: Vec<(&'a str, usize, u32)> = vec![(id, 0, 1)];
    let mut on_path: BTreeSet<&'a str> = BTreeSet::from([id]);
    while let Some(&mut (current, ref mut next, ref mut wave)) = path.last_mut() {
        if let Some(dep) = deps[current].get(*next) {
            *next += 1;
            let dep = dep.as_str();
            if let Some(&known) = waves.get(dep) {
                *wave = (*wave).max(known + 1);
            } else if on_path.contains(dep) {
                let start = path.iter().position(|&(seen, ..)| seen == dep).unwrap_or(0);
                return Err(WaveError::Cycle(
                    path[start..].iter().map(|&(s, ..)| s.to_string()).collect(),
                ));
            } else {
                on_path.insert(dep);
                path.push((dep, 0, 1));
            }
        } else {
            let done = *wave;
            path.pop();
            on_path.remove(current);
            waves.insert(current.to_owned(), done);
            match path.last_mut() {
                Some((_, _, parent)) => *parent = (*parent).max(done + 1),
                None => return Ok(done),
            }
        }
    }
    unreachable!("the loop returns when it pops the last agent")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster(spec: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        spec.iter()
            .map(|(id, deps)| (id.to_string(), deps.iter().map(|d| d.to_string()).collect()))
            .collect()
    }

    #[test]
    fn layers_by_longest_dependency_chain() {
        let agents = roster(&[("a", &[]), ("b", &["a"]), ("c", &["a", "b"]), ("d", &[])]);
        let waves = compute_waves(&agents).unwrap();
        assert_eq!(waves["a"], 1);
        assert_eq!(waves["b"], 2);
        assert_eq!(waves["c"], 3);
        assert_eq!(waves["d"], 1);
    }

    #[test]
    fn a_cycle_names_its_agents() {
        let agents = roster(&[("a", &[]), ("b", &["c"]), ("c", &["d"]), ("d", &["b"])]);
        let err = compute_waves(&agents).unwrap_err();
        assert_eq!(
            err,
            WaveError::Cycle(vec!["b".into(), "c".into(), "d".into()])
        );
        assert_eq!(err.to_string(), "dependency cycle: b -> c -> d -> b");
        let selfish = roster(&[("a", &["a"])]);
        assert_eq!(
            compute_waves(&selfish).unwrap_err(),
            WaveError::Cycle(vec!["a".into()])
        );
    }

    #[test]
    fn a_chain_as_long_as_the_roster_fits_a_small_stack() {
        // Listed last-first, so every agent waits on the one after it in the roster.
        let n = 50_000;
        let agents: Vec<(String, Vec<String>)> = (0..n)
            .rev()
            .map(|i| {
                let deps = if i == 0 {
                    vec![]
                } else {
                    vec![format!("a{}", i - 1)]
                };
                (format!("a{i}"), deps)
            })
            .collect();
        let waves = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || compute_waves(&agents))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(waves["a0"], 1);
        assert_eq!(waves[&format!("a{}", n - 1)], n as u32);

        let mut looped = roster(&[("z", &["a"])]);
        looped.extend(
            (0..n)
                .map(|i| (i.to_string(), vec![((i + 1) % n).to_string()]))
                .chain([("a".to_string(), vec!["0".to_string()])]),
        );
        match compute_waves(&looped).unwrap_err() {
            WaveError::Cycle(cycle) => {
                assert_eq!(cycle.len(), n);
                assert_eq!(cycle[0], "0");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_agent_listed_twice_keeps_its_first_dependencies() {
        let agents = roster(&[("a", &[]), ("b", &["a"]), ("b", &[])]);
        let waves = compute_waves(&agents).unwrap();
        assert_eq!(waves["b"], 2);
    }

    #[test]
    fn unknown_dependencies_are_errors() {
        let agents = roster(&[("a", &["ghost"])]);
        assert!(compute_waves(&agents)
            .unwrap_err()
            .to_string()
            .contains("ghost"));
    }
}
