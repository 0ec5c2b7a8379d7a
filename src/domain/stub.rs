//! Stubs: `<stubs-dir>/<feature>/stub.json`, a feature idea waiting to become a session.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stub {
    pub id: String,
    pub feature_name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents_involved: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<Value>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Stub {
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|err| format!("stub.json: {err}"))
    }
}

/// A stub folder as the wizard lists it: the stub, or why it cannot be used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StubEntry {
    /// The folder name under the stubs directory.
    pub folder: String,
    pub stub: Result<Stub, String>,
}

/// The stub picker's list, and where it comes from (for the empty state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StubList {
    pub stubs: Vec<StubEntry>,
    pub stubs_dir: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_required_and_optional_fields() {
        let stub = Stub::parse(
            br#"{"id": "STUB-1", "feature_name": "f", "description": "d",
                 "agents_involved": ["a", "b"], "scope": "small", "priority": "high"}"#,
        )
        .unwrap();
        assert_eq!(stub.agents_involved, ["a", "b"]);
        assert_eq!(stub.extra["priority"], "high");
    }

    #[test]
    fn missing_required_field_is_named() {
        let err = Stub::parse(br#"{"id": "x", "feature_name": "f"}"#).unwrap_err();
        assert!(err.contains("description"), "{err}");
    }
}
