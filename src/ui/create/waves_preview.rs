//! The execution waves the dependencies give, drawn as columns left to right; a cycle is
//! named instead.

use super::use_wizard;
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
                    view! {
                        <ol class="wizard-waves" aria-label=format!("{count} execution wave{}", if count == 1 { "" } else { "s" })>
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
                        <span aria-hidden="true">"⚠ "</span>
                        "No waves: " {cycle} "."
                    </p>
                }
                .into_any(),
            }}
        </section>
    }
}
