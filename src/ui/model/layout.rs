//! Where each agent goes in the dependency graph: one column per execution wave, an arrow from
//! each dependency to its dependent. Pure geometry, drawn as SVG by the UI.
//!
//! Arrows never cross a node: between columns an arrow bends freely (nothing is drawn there);
//! through a column it skips, it runs straight along a lane, the gap between two of that
//! column's nodes (or above the first, or below the last).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const NODE_WIDTH: i32 = 160;
pub const NODE_HEIGHT: i32 = 44;
const GAP_X: i32 = 64;
const GAP_Y: i32 = 20;
const PADDING: i32 = 12;
/// Room above the first row for the column's label.
const HEADER: i32 = 24;
/// The arrowhead's length: arrows end this far before the node's edge.
const ARROW: i32 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    /// Its place in the roster (an id may be listed twice).
    pub index: usize,
    pub x: i32,
    pub y: i32,
}

/// One stretch of an arrow.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Piece {
    /// Straight, horizontal: through a column, along a lane.
    Run { x0: i32, x1: i32, y: i32 },
    /// A bend between two columns: a cubic curve whose tangents are horizontal at both ends,
    /// so it stays between `x0` and `x1`, and between `y0` and `y1`.
    Bend { x0: i32, y0: i32, x1: i32, y1: i32 },
}

impl Piece {
    /// The point at `t` in 0..=1.
    pub fn at(self, t: f64) -> (f64, f64) {
        match self {
            Piece::Run { x0, x1, y } => (f64::from(x0) + t * f64::from(x1 - x0), f64::from(y)),
            Piece::Bend { x0, y0, x1, y1 } => {
                // Control points (mid, y0) and (mid, y1).
                let (x0, y0, x1, y1) = (f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1));
                let mid = (x0 + x1) / 2.0;
                let u = 1.0 - t;
                let x =
                    u * u * u * x0 + 3.0 * u * u * t * mid + 3.0 * u * t * t * mid + t * t * t * x1;
                let y =
                    u * u * u * y0 + 3.0 * u * u * t * y0 + 3.0 * u * t * t * y1 + t * t * t * y1;
                (x, y)
            }
        }
    }
}

/// An arrow from `from` (a dependency) to `to` (the agent that waits for it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub pieces: Vec<Piece>,
}

impl Edge {
    /// The SVG path.
    pub fn d(&self) -> String {
        let mut d = String::new();
        for (n, piece) in self.pieces.iter().enumerate() {
            let (x0, y0) = match *piece {
                Piece::Run { x0, y, .. } => (x0, y),
                Piece::Bend { x0, y0, .. } => (x0, y0),
            };
            if n == 0 {
                d.push_str(&format!("M{x0} {y0}"));
            }
            match *piece {
                Piece::Run { x1, y, .. } => d.push_str(&format!(" L{x1} {y}")),
                Piece::Bend { x0, y0, x1, y1 } => {
                    let mid = (x0 + x1) / 2;
                    d.push_str(&format!(" C{mid} {y0} {mid} {y1} {x1} {y1}"));
                }
            }
        }
        d
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WaveLayout {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Wave number (or `None` for agents without one) and the x of its column.
    pub columns: Vec<(Option<u32>, i32)>,
    pub width: i32,
    pub height: i32,
}

/// `agents` is `(id, wave, depends_on)` in roster order. Agents without a wave go last;
/// dependencies on agents that are not in the roster draw no arrow.
pub fn layout_waves(agents: &[(String, Option<u32>, Vec<String>)]) -> WaveLayout {
    let mut waves: Vec<Option<u32>> = agents.iter().map(|(_, wave, _)| *wave).collect();
    waves.sort_by_key(|wave| wave.unwrap_or(u32::MAX));
    waves.dedup();
    let mut layout = WaveLayout::default();
    // Nodes per column, and which column each roster entry is in.
    let mut heights = vec![0i32; waves.len()];
    let mut column_of = vec![0usize; agents.len()];
    for (column, wave) in waves.iter().enumerate() {
        let x = column_x(column);
        layout.columns.push((*wave, x));
        for (index, (id, _, _)) in agents.iter().enumerate().filter(|(_, a)| a.1 == *wave) {
            layout.nodes.push(Node {
                id: id.clone(),
                index,
                x,
                y: row_y(heights[column]),
            });
            column_of[index] = column;
            heights[column] += 1;
        }
    }
    let first_of = |id: &str| {
        layout
            .nodes
            .iter()
            .filter(|n| n.id == id)
            .min_by_key(|n| n.index)
    };
    let mut drawn = BTreeSet::new();
    for (index, (id, _, deps)) in agents.iter().enumerate() {
        // An id listed twice draws its first entry's arrows: its wave comes from that entry.
        if !drawn.insert(id.as_str()) {
            continue;
        }
        let to = layout
            .nodes
            .iter()
            .find(|n| n.index == index)
            .expect("placed");
        for dep in deps {
            let Some(from) = first_of(dep) else {
                continue;
            };
            let pieces = route(from, column_of[from.index], to, column_of[index], &heights);
            layout.edges.push(Edge {
                from: dep.clone(),
                to: id.clone(),
                pieces,
            });
        }
    }
    let tallest = heights.iter().copied().max().unwrap_or(0);
    let columns = waves.len() as i32;
    // Room right of the last column for the loop of a same-column dependency.
    layout.width = (PADDING * 2 + columns * (NODE_WIDTH + GAP_X) - GAP_X / 2).max(0);
    // Room for the lane below the tallest column.
    layout.height = row_y(tallest) + PADDING;
    layout
}

fn column_x(column: usize) -> i32 {
    PADDING + column as i32 * (NODE_WIDTH + GAP_X)
}

fn row_y(row: i32) -> i32 {
    PADDING + HEADER + row * (NODE_HEIGHT + GAP_Y)
}

/// The lanes of a column with `nodes` nodes: above each node, and below the last.
fn lane_y(lane: i32) -> i32 {
    row_y(lane) - GAP_Y / 2
}

/// From the side of `from` that faces `to`, through every column between them, into `to`.
fn route(from: &Node, from_col: usize, to: &Node, to_col: usize, heights: &[i32]) -> Vec<Piece> {
    let (ya, yb) = (from.y + NODE_HEIGHT / 2, to.y + NODE_HEIGHT / 2);
    if from_col == to_col {
        // Same column (waves written by hand can say so): a loop out to the right.
        let x = from.x + NODE_WIDTH;
        return vec![
            Piece::Bend {
                x0: x,
                y0: ya,
                x1: x + GAP_X / 2,
                y1: (ya + yb) / 2,
            },
            Piece::Bend {
                x0: x + GAP_X / 2,
                y0: (ya + yb) / 2,
                x1: x + ARROW,
                y1: yb,
            },
        ];
    }
    let forward = from_col < to_col;
    let (exit_x, entry_x) = if forward {
        (from.x + NODE_WIDTH, to.x - ARROW)
    } else {
        (from.x, to.x + NODE_WIDTH + ARROW)
    };
    let between: Vec<usize> = if forward {
        (from_col + 1..to_col).collect()
    } else {
        (to_col + 1..from_col).rev().collect()
    };
    let span = between.len() as f64 + 1.0;
    let mut pieces = Vec::new();
    let (mut x, mut y) = (exit_x, ya);
    for (step, &column) in between.iter().enumerate() {
        // The lane closest to the straight line from one end to the other.
        let ideal = f64::from(ya) + (f64::from(yb - ya)) * (step as f64 + 1.0) / span;
        let lane = (0..=heights[column])
            .min_by_key(|&lane| (f64::from(lane_y(lane)) - ideal).abs() as i64)
            .unwrap_or(0);
        let lane_y = lane_y(lane);
        let (near, far) = if forward {
            (column_x(column), column_x(column) + NODE_WIDTH)
        } else {
            (column_x(column) + NODE_WIDTH, column_x(column))
        };
        pieces.push(Piece::Bend {
            x0: x,
            y0: y,
            x1: near,
            y1: lane_y,
        });
        pieces.push(Piece::Run {
            x0: near,
            x1: far,
            y: lane_y,
        });
        (x, y) = (far, lane_y);
    }
    pieces.push(Piece::Bend {
        x0: x,
        y0: y,
        x1: entry_x,
        y1: yb,
    });
    pieces
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

    /// Every point of every arrow, sampled, lies outside every node but its own two.
    fn assert_no_arrow_crosses_a_node(layout: &WaveLayout) {
        for edge in &layout.edges {
            for piece in &edge.pieces {
                for step in 0..=40 {
                    let (x, y) = piece.at(f64::from(step) / 40.0);
                    for node in &layout.nodes {
                        if node.id == edge.from || node.id == edge.to {
                            continue;
                        }
                        let inside = x > f64::from(node.x)
                            && x < f64::from(node.x + NODE_WIDTH)
                            && y > f64::from(node.y)
                            && y < f64::from(node.y + NODE_HEIGHT);
                        assert!(
                            !inside,
                            "{} → {} crosses {} at ({x:.0}, {y:.0})",
                            edge.from, edge.to, node.id
                        );
                    }
                    assert!(x >= 0.0 && x <= f64::from(layout.width), "x {x} outside");
                    assert!(y >= 0.0 && y <= f64::from(layout.height), "y {y} outside");
                }
            }
        }
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
        assert_eq!(
            edge.pieces,
            [Piece::Bend {
                x0: node("a").x + NODE_WIDTH,
                y0: node("a").y + NODE_HEIGHT / 2,
                x1: node("c").x - ARROW,
                y1: node("c").y + NODE_HEIGHT / 2,
            }]
        );
        assert!(edge.d().starts_with('M') && edge.d().contains(" C"));
        assert!(layout.width >= node("d").x + NODE_WIDTH);
        assert!(layout.height >= node("b").y + NODE_HEIGHT);
    }

    #[test]
    fn an_arrow_that_skips_a_wave_goes_around_the_nodes_between() {
        // b sits in wave 2 right on the straight line from a to c.
        let layout = layout_waves(&[
            agent("a", Some(1), &[]),
            agent("b", Some(2), &["a"]),
            agent("c", Some(3), &["a", "b"]),
        ]);
        let skipping = layout
            .edges
            .iter()
            .find(|e| e.from == "a" && e.to == "c")
            .unwrap();
        assert_eq!(skipping.pieces.len(), 3, "{:?}", skipping.pieces);
        assert_no_arrow_crosses_a_node(&layout);
    }

    #[test]
    fn fifty_agents_in_twenty_waves_keep_every_arrow_off_every_node() {
        // Each agent waits for two earlier ones, some many waves back, some in reverse roster
        // order: long arrows through crowded columns.
        let agents: Vec<_> = (0..50)
            .map(|n: usize| {
                let deps: Vec<String> = [n.wrapping_sub(1), n.wrapping_sub(7), n / 3]
                    .into_iter()
                    .filter(|&d| d < n)
                    .map(|d| format!("agent-{d}"))
                    .collect();
                (format!("agent-{n}"), Some((n * 20 / 50) as u32 + 1), deps)
            })
            .collect();
        let layout = layout_waves(&agents);
        assert_eq!(layout.columns.len(), 20);
        assert!(layout.edges.len() > 100, "{}", layout.edges.len());
        assert_no_arrow_crosses_a_node(&layout);
    }

    #[test]
    fn wrong_written_waves_still_draw_inside_the_picture() {
        let layout = layout_waves(&[
            agent("late", Some(1), &["early"]),
            agent("mid", Some(2), &[]),
            agent("early", Some(3), &[]),
            agent("twin", Some(3), &["early"]),
        ]);
        assert_eq!(layout.edges.len(), 2);
        assert_no_arrow_crosses_a_node(&layout);
    }

    #[test]
    fn no_agents_no_picture() {
        let layout = layout_waves(&[]);
        assert!(layout.nodes.is_empty() && layout.edges.is_empty());
    }
}
