//! The detail's "Usage": what each agent reported it used (tokens in and out, dollars) and the
//! session's total. Shown once any agent reported usage.

use crate::domain::format::group_thousands;
use crate::domain::usage::{format_usd, Usage};
use crate::domain::SessionDetail;
use leptos::prelude::*;

#[component]
pub fn UsageSection(detail: RwSignal<SessionDetail>) -> impl IntoView {
    move || {
        let reported: Vec<(String, Usage)> = detail.with(|d| {
            d.agents
                .iter()
                .filter_map(|agent| agent.usage.map(|usage| (agent.agent_id.clone(), usage)))
                .collect()
        });
        (!reported.is_empty()).then(|| {
            let total = Usage::total(reported.iter().map(|(_, usage)| usage));
            let rows = reported
                .into_iter()
                .map(|(agent, usage)| view! { <UsageRow name=agent usage header=false /> })
                .collect_view();
            view! {
                <section aria-labelledby="usage-heading" class="detail-section">
                    <h3 id="usage-heading">"Usage"</h3>
                    <div class="table-scroll">
                        <table class="agents usage">
                            <thead>
                                <tr>
                                    <th scope="col">"Agent"</th>
                                    <th scope="col">"Input tokens"</th>
                                    <th scope="col">"Output tokens"</th>
                                    <th scope="col">"Cost"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                            <tfoot><UsageRow name="Total".into() usage=total header=true /></tfoot>
                        </table>
                    </div>
                </section>
            }
        })
    }
}

#[component]
fn UsageRow(name: String, usage: Usage, header: bool) -> impl IntoView {
    let name = if header {
        view! { <th scope="row">{name}</th> }.into_any()
    } else {
        view! { <th scope="row"><code>{name}</code></th> }.into_any()
    };
    view! {
        <tr>
            {name}
            <td>{group_thousands(usage.input_tokens)}</td>
            <td>{group_thousands(usage.output_tokens)}</td>
            <td>{format_usd(usage.cost_usd)}</td>
        </tr>
    }
}
