//! Where each agent goes in the execution-waves picture: one column per wave, arrows from each
//! dependency to its dependent. Pure geometry, drawn as SVG by the UI.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const NODE_WIDTH: u32 = 150;
pub const NODE_HEIGHT: u32 = 44;
const GAP_X: u32 = 70;
const GAP_Y: u32 = 18;
const PADDING: u32 = 12;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub x: u32,
    pub y: u32,
}

/// An arrow from the right edge of `from` to the left edge of `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub x1: u32,
    pub y1: u32,
    pub x2: u32,
    pub y2: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WaveLayout {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Wave number (or `None` for agents without one) and the x of its column.
    pub columns: Vec<(Option<u32>, u32)>,
    pub width: u32,
    pub height: u32,
}

/// `agents` is `(id, wave, depends_on)` in roster order. Agents without a wave go last;
/// dependencies on agents that are not in the roster draw no arrow.
pub fn layout_waves(agents: &[(String, Option<u32>, Vec<String>)]) -> WaveLayout {
    let mut waves: Vec<Option<u32>> = agents.iter().map(|(_, wave, _)| *wave).collect();
    waves.sort_by_key(|wave| wave.unwrap_or(u32::MAX));
    waves.dedup();
    let mut layout = WaveLayout::default();
    let mut tallest = 0;
    for (column, wave) in waves.iter().enumerate() {
        let x = PADDING + column as u32 * (NODE_WIDTH + GAP_X);
        layout.columns.push((*wave, x));
        let members = agents.iter().filter(|(_, w, _)| w == wave);
        let mut rows = 0;
        for (row, (id, _, _)) in members.enumerate() {
            let y = PADDING + 20 + row as u32 * (NODE_HEIGHT + GAP_Y);
            layout.nodes.push(Node {
                id: id.clone(),
                x,
                y,
            });
            rows = row as u32 + 1;
        }
        tallest = tallest.max(rows);
    }
    let mut drawn = BTreeSet::new();
    for (id, _, deps) in agents {
        // An id listed twice draws its first entry's arrows: its wave comes from that entry.
        if !drawn.insert(id.as_str()) {
            continue;
        }
        let Some(to) = layout.nodes.iter().find(|n| &n.id == id) else {
            continue;
        };
        for dep in deps {
            let Some(from) = layout.nodes.iter().find(|n| &n.id == dep) else {
                continue;
            };
            layout.edges.push(Edge {
                from: dep.clone(),
                to: id.clone(),
                x1: from.x + NODE_WIDTH,
                y1: from.y + NODE_HEIGHT / 2,
                x2: to.x,
                y2: to.y + NODE_HEIGHT / 2,
            });
        }
    }
    layout.width = PADDING * 2 + waves.len() as u32 * (NODE_WIDTH + GAP_X)
        - GAP_X.min(waves.len() as u32 * GAP_X);
    layout.height = PADDING * 2 + 20 + tallest * (NODE_HEIGHT + GAP_Y);
    layout
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, wave: Option<u32>, deps: &[&str]) -> (String, Option<u32>, Vec<String>) {
        (
            id.into(),
            wave,
            deps.iter().map(|d| d.to_string()).collect(),
        )
    }

    #[test]
    fn an_agent_listed_twice_draws_only_its_first_entrys_arrows() {
        let layout = layout_waves(&[
            agent("a", Some(1), &[]),
            agent("b", Some(1), &[]),
            agent("a", Some(1), &["b"]),
        ]);
        assert_eq!(layout.nodes.len(), 3);
        assert!(layout.edges.is_empty(), "{:?}", layout.edges);
    }

    #[test]
    fn one_column_per_wave_and_an_arrow_per_dependency() {
        let layout = layout_waves(&[
            agent("a", Some(1), &[]),
            agent("b", Some(1), &[]),
            agent("c", Some(2), &["a", "b"]),
            agent("d", None, &["ghost"]),
        ]);
        assert_eq!(layout.columns.len(), 3);
        assert_eq!(layout.columns[2].0, None, "agents without a wave come last");
        let node = |id: &str| layout.nodes.iter().find(|n| n.id == id).unwrap().clone();
        assert_eq!(node("a").x, node("b").x);
        assert!(node("b").y > node("a").y);
        assert!(node("c").x > node("a").x);
        assert_eq!(layout.edges.len(), 2, "no arrow from an unknown agent");
        let edge = &layout.edges[0];
        assert_eq!((edge.x1, edge.x2), (node("a").x + NODE_WIDTH, node("c").x));
        assert!(layout.width >= node("d").x + NODE_WIDTH);
        assert!(layout.height >= node("b").y + NODE_HEIGHT);
    }

    #[test]
    fn no_agents_no_picture() {
        let layout = layout_waves(&[]);
        assert!(layout.nodes.is_empty() && layout.edges.is_empty());
    }
}
