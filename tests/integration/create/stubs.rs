//! Stubs directory: valid, broken and missing stubs are all listed; a missing directory is empty.

use sessions_hub::domain::HubError;
use sessions_hub::store::stubs::{list_stubs, read_stub, MAX_STUB_BYTES};
use std::fs;

#[test]
fn lists_every_stub_folder_with_its_stub_or_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let stub = |folder: &str, text: &str| {
        fs::create_dir_all(dir.join(folder)).unwrap();
        fs::write(dir.join(folder).join("stub.json"), text).unwrap();
    };
    stub(
        "b-valid",
        r#"{"id": "STUB-2", "feature_name": "auth", "description": "Refactor auth",
            "agents_involved": ["backend", "tests"], "scope": "small", "phases": ["one"], "owner": "me"}"#,
    );
    stub("a-broken-json", "{\"id\": ");
    stub(
        "c-missing-field",
        r#"{"id": "STUB-3", "feature_name": "x"}"#,
    );
    stub("d-too-big", &" ".repeat(MAX_STUB_BYTES as usize + 1));
    fs::create_dir(dir.join("e-no-stub-file")).unwrap();
    stub(
        ".hidden",
        r#"{"id": "H", "feature_name": "h", "description": "h"}"#,
    );
    fs::write(dir.join("README.md"), "not a stub folder").unwrap();

    let stubs = list_stubs(dir);
    let folders: Vec<&str> = stubs.iter().map(|s| s.folder.as_str()).collect();
    assert_eq!(
        folders,
        [
            "a-broken-json",
            "b-valid",
            "c-missing-field",
            "d-too-big",
            "e-no-stub-file"
        ]
    );

    let valid = stubs[1].stub.as_ref().unwrap();
    assert_eq!(
        (valid.id.as_str(), valid.feature_name.as_str()),
        ("STUB-2", "auth")
    );
    assert_eq!(valid.agents_involved, ["backend", "tests"]);
    assert_eq!(valid.extra["owner"], "me");

    let error = |i: usize| stubs[i].stub.as_ref().unwrap_err().clone();
    assert!(error(0).starts_with("stub.json:"), "{}", error(0));
    assert!(error(2).contains("description"), "{}", error(2));
    assert!(error(3).contains("limit"), "{}", error(3));
    assert!(error(4).contains("does not exist"), "{}", error(4));

    assert_eq!(read_stub(dir, "b-valid").unwrap(), *valid);
    assert!(
        matches!(read_stub(dir, "c-missing-field"), Err(HubError::Unreadable(m)) if m.contains("description"))
    );
    assert!(matches!(read_stub(dir, "nope"), Err(HubError::NotFound(_))));
    assert!(matches!(
        read_stub(dir, "../b-valid"),
        Err(HubError::Invalid(_))
    ));
    assert!(matches!(
        read_stub(dir, ".hidden"),
        Err(HubError::Invalid(_))
    ));
}

#[test]
fn a_missing_stubs_directory_lists_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(list_stubs(&tmp.path().join("missing")).is_empty());
    fs::write(tmp.path().join("file"), "").unwrap();
    assert!(list_stubs(&tmp.path().join("file")).is_empty());
}
