//! Session and agent ids. A session id is a folder name that is safe to join to the sessions
//! directory; an agent id is whatever the roster says. Two types, so that a session and an agent
//! are never passed the wrong way round.

use super::HubError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A session's folder name, checked by [`validate_session_id`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SessionId(String);

impl SessionId {
    /// Checks `raw` (from a request, a URL, the command line) before it names a folder.
    pub fn parse(raw: &str) -> Result<Self, HubError> {
        validate_session_id(raw)
            .map(|id| Self(id.to_owned()))
            .map_err(HubError::Invalid)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SessionId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An agent's id as its session's roster writes it: any text (agents write the roster), used
/// only to find the agent there, never as a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgentId(String);

impl AgentId {
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks that `raw` is one normal path component that names a visible session folder:
/// not empty, not `.`/`..`, no separators, no NUL, no leading dot (hidden and staging folders),
/// at most 255 bytes. Everything that comes from a request goes through here before it touches
/// the filesystem.
pub fn validate_session_id(raw: &str) -> Result<&str, String> {
    let problem = if raw.is_empty() {
        Some("is empty")
    } else if raw.len() > 255 {
        Some("is longer than 255 bytes")
    } else if raw.starts_with('.') {
        Some("starts with a dot")
    } else if raw.contains(['/', '\\', '\0']) {
        Some("contains a path separator or NUL")
    } else if raw.contains(':') {
        Some("contains ':'")
    } else if raw.chars().any(char::is_control) {
        Some("contains a control character")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(format!("invalid session id {raw:?}: it {problem}")),
        None => Ok(raw),
    }
}

/// A stub id becomes the prefix of folder names, so it is held to a strict, portable alphabet.
pub fn validate_stub_id(raw: &str) -> Result<&str, String> {
    let well_formed = !raw.is_empty()
        && raw.len() <= 100
        && raw
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if well_formed {
        Ok(raw)
    } else {
        Err(format!(
            "invalid stub id {raw:?}: use 1-100 letters, digits, '-', '_' or '.', starting with a letter or digit"
        ))
    }
}

/// `{stub_id}-{unix_millis}`, then `-2`, `-3`, ... while `exists` says the name is taken.
pub fn new_session_id(stub_id: &str, unix_millis: u64, exists: impl Fn(&str) -> bool) -> String {
    let base = format!("{stub_id}-{unix_millis}");
    if !exists(&base) {
        return base;
    }
    (2u32..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !exists(candidate))
        .expect("an unbounded range always yields a free name")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn session_ids_are_checked_once_parsed_and_when_deserialised() {
        assert_eq!(SessionId::parse("s-1").unwrap().as_str(), "s-1");
        assert!(matches!(
            SessionId::parse("../x"),
            Err(HubError::Invalid(_))
        ));
        assert!(serde_json::from_str::<SessionId>("\"a/b\"").is_err());
        assert_eq!(AgentId::new("agent 1").to_string(), "agent 1");
    }

    #[test]
    fn accepts_ordinary_folder_names() {
        for ok in [
            "STUB-082-1704729600000",
            "auth refactor",
            "a",
            "x.y",
            "ümlaut",
        ] {
            assert_eq!(validate_session_id(ok), Ok(ok));
        }
    }

    #[test]
    fn refuses_anything_that_is_not_one_visible_component() {
        let long = "a".repeat(256);
        for bad in [
            "",
            ".",
            "..",
            ".staging-1",
            "../etc",
            "a/b",
            "a\\b",
            "/abs",
            "C:",
            "a\0b",
            "\n",
            long.as_str(),
        ] {
            assert!(validate_session_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stub_ids_are_strict() {
        assert!(validate_stub_id("STUB-082").is_ok());
        for bad in ["", "-x", "a b", "a/b", "..", "é"] {
            assert!(validate_stub_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn collisions_get_numbered_suffixes() {
        assert_eq!(new_session_id("S", 5, |_| false), "S-5");
        let taken = ["S-5", "S-5-2"];
        assert_eq!(new_session_id("S", 5, |id| taken.contains(&id)), "S-5-3");
    }

    proptest! {
        #[test]
        fn a_valid_id_is_exactly_one_normal_component(raw in "[./\\\\a-z:\\x00]{0,8}") {
            if validate_session_id(&raw).is_ok() {
                let path = std::path::Path::new(&raw);
                let components: Vec<_> = path.components().collect();
                prop_assert_eq!(components.len(), 1);
                prop_assert!(matches!(components[0], std::path::Component::Normal(_)));
            }
        }
    }
}
