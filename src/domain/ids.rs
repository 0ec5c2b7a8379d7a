//! Session ids: folder names that are safe to join to the sessions directory.

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
