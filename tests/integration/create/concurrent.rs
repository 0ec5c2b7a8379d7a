//! Concurrent creates with the same stub and the same millisecond.

use super::{
    assert_complete, fixture_project, options, sample_request, staging_dirs, visible_entries,
    NOW_MS,
};
use sessions_hub::generate::generate;
use sessions_hub::store::SessionStore;
use std::collections::BTreeSet;
use std::sync::Barrier;

#[test]
fn twenty_parallel_creates_make_twenty_complete_sessions() {
    const CREATES: usize = 20;
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    std::fs::create_dir(&sessions).unwrap();
    let request = sample_request();
    let options = options(&sessions);
    let project = fixture_project();
    let start = Barrier::new(CREATES);

    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CREATES)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    generate(&sessions, &project, &request, &options)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let ids: BTreeSet<String> = results
        .into_iter()
        .map(|result| result.unwrap().session_id)
        .collect();
    let base = format!("AUTH-7-{NOW_MS}");
    let expected: BTreeSet<String> = std::iter::once(base.clone())
        .chain((2..=CREATES).map(|n| format!("{base}-{n}")))
        .collect();
    assert_eq!(ids, expected);

    assert_eq!(visible_entries(&sessions).len(), CREATES, "no other folder");
    assert!(staging_dirs(&sessions).is_empty(), "0 partial folders");
    for id in &ids {
        assert_complete(&sessions.join(id));
    }
    let store = SessionStore::new(&sessions);
    store.refresh().unwrap();
    assert_eq!(store.list().list.count, CREATES);
    assert!(store.list().list.invalid.is_empty());
}
