//! `instructions.json`: typed instruction blocks.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Task,
    Guideline,
    Example,
    Constraint,
}

impl BlockKind {
    pub const ALL: [BlockKind; 4] = [Self::Task, Self::Guideline, Self::Example, Self::Constraint];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Guideline => "guideline",
            Self::Example => "example",
            Self::Constraint => "constraint",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Task => "Task",
            Self::Guideline => "Guideline",
            Self::Example => "Example",
            Self::Constraint => "Constraint",
        }
    }
}

impl fmt::Display for BlockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructionBlock {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: BlockKind,
    pub content: String,
    #[serde(default)]
    pub assigned_to: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypesSummary {
    pub task: usize,
    pub guideline: usize,
    pub example: usize,
    pub constraint: usize,
}

impl TypesSummary {
    pub fn of<'a>(blocks: impl IntoIterator<Item = &'a InstructionBlock>) -> Self {
        let mut summary = Self::default();
        for block in blocks {
            *match block.kind {
                BlockKind::Task => &mut summary.task,
                BlockKind::Guideline => &mut summary.guideline,
                BlockKind::Example => &mut summary.example,
                BlockKind::Constraint => &mut summary.constraint,
            } += 1;
        }
        summary
    }

    pub fn pairs(&self) -> Vec<(String, usize)> {
        BlockKind::ALL
            .into_iter()
            .zip([self.task, self.guideline, self.example, self.constraint])
            .map(|(kind, count)| (kind.as_str().to_owned(), count))
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructionsFile {
    pub total_blocks: usize,
    pub blocks: Vec<InstructionBlock>,
    pub types_summary: TypesSummary,
}

impl InstructionsFile {
    pub fn new(blocks: Vec<InstructionBlock>) -> Self {
        Self {
            total_blocks: blocks.len(),
            types_summary: TypesSummary::of(&blocks),
            blocks,
        }
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Lenient {
            #[serde(default)]
            blocks: Vec<InstructionBlock>,
        }
        // The counts are derived, so a file whose counts disagree with its blocks still reads.
        let lenient: Lenient =
            serde_json::from_slice(bytes).map_err(|err| format!("instructions.json: {err}"))?;
        Ok(Self::new(lenient.blocks))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_seed_shape_and_recounts() {
        let text = r#"{"total_blocks": 9, "blocks": [
            {"id": "b1", "type": "task", "content": "Do it", "assigned_to": ["agent-1"]},
            {"id": "b2", "type": "constraint", "content": "No deps"}
        ], "types_summary": {"task": 1, "guideline": 0, "example": 0, "constraint": 1}}"#;
        let file = InstructionsFile::parse(text.as_bytes()).unwrap();
        assert_eq!(file.total_blocks, 2);
        assert_eq!(file.types_summary.constraint, 1);
        assert_eq!(file.blocks[1].assigned_to, Vec::<String>::new());
    }

    #[test]
    fn unknown_block_type_is_an_error() {
        let text = r#"{"blocks": [{"id": "b1", "type": "wish", "content": "x"}]}"#;
        assert!(InstructionsFile::parse(text.as_bytes())
            .unwrap_err()
            .contains("wish"));
    }
}
