//! The execution waves the dependencies give, drawn as the same dependency graph the session's
//! detail shows (and listed for screen readers); a cycle is named instead.

use super::use_wizard;
use crate::domain::attention::Attention;
use crate::ui::components::{DependencyGraph, GraphAgent};
use crate::ui::model::wizard::waves_in_order;
use leptos::prelude::*;

#[component]
pub fn WavesPreview() -> impl IntoView {
    let wizard = use_wizard();
    let waves = Memo::new(move |_| wizard.draft.with(|d| waves_in_order(&d.request)));
    let role_of = move |agent: &str| {
        wizard.draft.with(|d| {
            d.request
                .agents
                .iter()
                .find(|a| a.agent_id == agent)
                .map(|a| (a.role.trim().to_owned(), a.depends_on.clone()))
                .unwrap_or_default()
        })
    };
    view! {
        <section class="wizard-section" aria-labelledby="waves-heading">
            <h4 id="waves-heading">"Execution waves"</h4>
            {move || match waves.get() {
                Ok(waves) => {
                    let count = waves.len();
                    let graph: Vec<GraphAgent> = waves
                        .iter()
                        .enumerate()
                        .flat_map(|(i, agents)| agents.iter().map(move |agent| (i, agent)))
                        .map(|(i, agent)| {
                            let (role, deps) = role_of(agent);
                            GraphAgent {
                                id: agent.clone(),
                                role,
                                wave: Some(i as u32 + 1),
                                depends_on: deps,
                                attention: Attention::NotStarted,
                            }
                        })
                        .collect();
                    view! {
                        <DependencyGraph agents=graph />
                        <ol class="wizard-waves visually-hidden" aria-label=format!("{count} execution wave{}", if count == 1 { "" } else { "s" })>
                            {waves
                                .into_iter()
                                .enumerate()
                                .map(|(i, agents)| view! {
                                    <li class="wizard-wave">
                                        <h5 class="wizard-wave__name">{format!("Wave {}", i + 1)}</h5>
                                        <ul class="wizard-wave__agents">
                                            {agents
                                                .into_iter()
                                                .map(|agent| {
                                                    let (role, deps) = role_of(&agent);
                                                    view! {
                                                        <li class="wizard-wave__agent">
                                                            <strong>{agent}</strong>
                                                            {(!role.is_empty()).then(|| view! { <span class="muted">" · " {role}</span> })}
                                                            {(!deps.is_empty()).then(|| view! {
                                                                <span class="wizard-wave__deps">"waits for " {deps.join(", ")}</span>
                                                            })}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </li>
                                })
                                .collect_view()}
                        </ol>
                    }
                    .into_any()
                }
                Err(cycle) => view! {
                    <p class="wizard-waves__cycle">
                        <crate::ui::components::Icon name=crate::ui::components::IconName::Warning />
                        "No waves: " {cycle} "."
                    </p>
                }
                .into_any(),
            }}
        </section>
    }
}
