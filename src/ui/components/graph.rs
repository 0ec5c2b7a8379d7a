//! The dependency graph: agents in one column per execution wave, filled by their attention,
//! with an icon, the id and the role; arrows routed around nodes (see `model::layout`). The
//! wizard's preview and the session detail draw this same picture.
//!
//! The picture is hidden from assistive technology: the agents table (detail) and the roster
//! (wizard) say the same in text.

use super::icon::IconName;
use crate::domain::attention::Attention;
use crate::domain::untrusted::plain_line;
use crate::ui::model::layout::{layout_waves, NODE_HEIGHT, NODE_WIDTH};
use leptos::prelude::*;

/// One agent as the graph shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphAgent {
    pub id: String,
    pub role: String,
    pub wave: Option<u32>,
    pub depends_on: Vec<String>,
    pub attention: Attention,
}

/// Wider than this many waves, the graph says it scrolls.
const WAVES_IN_VIEW: usize = 5;

/// `agent_anchor`, when given, names the element a click on the n-th agent's node selects
/// (by URL fragment, so the target is highlighted and scrolled to).
#[component]
pub fn DependencyGraph(
    agents: Vec<GraphAgent>,
    #[prop(optional)] agent_anchor: Option<fn(usize) -> String>,
    #[prop(optional)] legend: bool,
) -> impl IntoView {
    let roster: Vec<(String, Option<u32>, Vec<String>)> = agents
        .iter()
        .map(|a| (a.id.clone(), a.wave, a.depends_on.clone()))
        .collect();
    let layout = layout_waves(&roster);
    let columns = layout.columns.len();
    let labels = layout
        .columns
        .iter()
        .map(|(wave, x)| {
            let label = wave
                .map(|w| format!("Wave {w}"))
                .unwrap_or_else(|| "Unordered".into());
            view! { <text class="graph__column" x=*x y="22">{label}</text> }
        })
        .collect_view();
    let edges = layout
        .edges
        .iter()
        .map(
            |edge| view! { <path class="graph__edge" d=edge.d() marker-end="url(#graph-arrow)" /> },
        )
        .collect_view();
    let nodes = layout
        .nodes
        .iter()
        .map(|node| {
            let agent = &agents[node.index];
            let attention = agent.attention;
            let (x, y) = (node.x, node.y);
            let select = agent_anchor.map(|anchor| {
                let fragment = anchor(node.index);
                move |_| select_fragment(&fragment)
            });
            view! {
                <g class=format!("graph-node graph-node--{}", attention.as_str()) on:click=move |ev| {
                    if let Some(select) = &select {
                        select(ev)
                    }
                }>
                    <rect x=x y=y width=NODE_WIDTH height=NODE_HEIGHT rx="6" />
                    <g class="graph-node__icon" transform=format!("translate({} {}) scale(0.67)", x + 8, y + 6)>
                        {IconName::of(attention).paths().iter().map(|d| view! { <path d=*d /> }).collect_view()}
                    </g>
                    // Fits the box; no bidi control can reorder it (Leptos escapes the markup).
                    <text class="graph-node__id" x=x + 30 y=y + 19>{plain_line(&agent.id, 16)}</text>
                    <text class="graph-node__role" x=x + 30 y=y + 35>{plain_line(&agent.role, 20)}</text>
                </g>
            }
        })
        .collect_view();
    let shown: Vec<Attention> = Attention::ALL
        .into_iter()
        .filter(|a| agents.iter().any(|agent| agent.attention == *a))
        .collect();
    view! {
        <div class="graph">
            {(columns > WAVES_IN_VIEW).then(|| view! {
                <p class="graph__hint">{format!("{columns} waves: scroll sideways to see them all.")}</p>
            })}
            <div class="graph__scroll" aria-hidden="true">
                <svg
                    viewBox=format!("0 0 {} {}", layout.width, layout.height)
                    width=layout.width
                    height=layout.height
                >
                    <defs>
                        <marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0 0 L10 5 L0 10 z" class="graph__arrow" />
                        </marker>
                    </defs>
                    {labels}
                    {edges}
                    {nodes}
                </svg>
            </div>
            {legend.then(|| view! {
                <ul class="graph-legend" aria-label="Legend">
                    {shown.into_iter().map(|attention| view! {
                        <li>
                            <span class=format!("graph-legend__swatch graph-node--{}", attention.as_str())></span>
                            {attention.label()}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// Moves the URL fragment to the agent's row: the browser scrolls to it and `:target` marks it.
fn select_fragment(fragment: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_hash(fragment);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = fragment;
}
