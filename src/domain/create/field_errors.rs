//! Validation messages keyed by field id, so that the UI can show each next to its input.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Validation messages by field id, in the order of the form. A field with several problems
/// gets them joined into one message. Serialised as a JSON object in that order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(IndexMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `message` to `field` (appended to an existing message of that field).
    pub fn insert(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let message = message.into();
        match self.0.entry(field.into()) {
            indexmap::map::Entry::Occupied(mut existing) => {
                let existing = existing.get_mut();
                if !existing.contains(&message) {
                    existing.push(' ');
                    existing.push_str(&message);
                }
            }
            indexmap::map::Entry::Vacant(slot) => {
                slot.insert(message);
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn contains(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Messages of `field` and of everything under it (`agents` covers `agents.a1.role`).
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.iter().filter(move |(f, _)| {
            f.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }

    /// Every message after its field, in one line: `stub.id: Give the stub an id. agents: ...`
    pub fn sentences(&self) -> String {
        self.iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn extend(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.insert(field, message);
        }
    }

    /// An HTML id for the element that shows `field`'s message: `error-` followed by the field
    /// id with `.` written as `__` and every other character outside `[A-Za-z0-9-]` as `_xx`
    /// (hex of its UTF-8 bytes). The encoding is reversible, so distinct field ids never share
    /// an element id: `agents.agent-1.role` -> `error-agents__agent-1__role`.
    pub fn dom_id(field: &str) -> String {
        let mut id = String::from("error-");
        for c in field.chars() {
            match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '-' => id.push(c),
                '.' => id.push_str("__"),
                _ => {
                    let mut buf = [0u8; 4];
                    for byte in c.encode_utf8(&mut buf).bytes() {
                        id.push_str(&format!("_{byte:02x}"));
                    }
                }
            }
        }
        id
    }
}

impl fmt::Display for FieldErrors {
    /// One line per field: `stub.id: Give the stub an id.`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (field, message)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{field}: {message}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn field_errors_serialise_in_order_and_map_to_distinct_dom_ids() {
        let mut errors = FieldErrors::new();
        errors.insert("stub.id", "A.");
        errors.insert("agents", "B.");
        errors.insert("stub.id", "C.");
        errors.insert("stub.id", "C.");
        let text = serde_json::to_string(&errors).unwrap();
        assert_eq!(text, r#"{"stub.id":"A. C.","agents":"B."}"#);
        assert_eq!(serde_json::from_str::<FieldErrors>(&text).unwrap(), errors);
        assert_eq!(errors.to_string(), "stub.id: A. C.\nagents: B.");
        assert_eq!(errors.under("stub").count(), 1);
        assert_eq!(errors.under("stu").count(), 0);

        assert_eq!(
            FieldErrors::dom_id("agents.agent-1.role"),
            "error-agents__agent-1__role"
        );
        let ids: BTreeSet<String> = ["a.b", "a-b", "a--b", "a_b", "a b", "a/b", "a.b.c", "a.é"]
            .iter()
            .map(|f| FieldErrors::dom_id(f))
            .collect();
        assert_eq!(ids.len(), 8, "{ids:?}");
        assert!(ids.iter().all(|id| id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')));
    }
}
