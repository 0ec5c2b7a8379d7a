//! Scans in flight, by an id the browser chose, so that a second request can ask how far one
//! has got (progress) or stop it (cancel). A scan is registered for as long as its
//! [`ScanGuard`] lives.

use crate::domain::HubError;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// More scans than this at once is a client gone wrong: refuse rather than pile up walkers.
pub const MAX_RUNNING_SCANS: usize = 8;

#[derive(Clone, Default)]
struct Handles {
    cancel: Arc<AtomicBool>,
    progress: Arc<AtomicUsize>,
}

#[derive(Default)]
pub struct Scans {
    running: Mutex<HashMap<String, Handles>>,
}

/// Keeps a scan registered; dropping it (the scan ended, or its request was dropped)
/// unregisters it.
pub struct ScanGuard {
    scans: Arc<Scans>,
    id: String,
    pub cancel: Arc<AtomicBool>,
    pub progress: Arc<AtomicUsize>,
}

impl Drop for ScanGuard {
    fn drop(&mut self) {
        self.scans.lock().remove(&self.id);
    }
}

impl Scans {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Handles>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers scan `id`: 8 to 64 letters, digits or `-`, not already running.
    pub fn start(self: &Arc<Self>, id: &str) -> Result<ScanGuard, HubError> {
        let well_formed = (8..=64).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !well_formed {
            return Err(HubError::Invalid(
                "A scan id is 8 to 64 letters, digits or '-'.".into(),
            ));
        }
        let mut running = self.lock();
        if running.contains_key(id) {
            return Err(HubError::Invalid(format!(
                "The scan {id} is already running."
            )));
        }
        if running.len() >= MAX_RUNNING_SCANS {
            return Err(HubError::Invalid(
                "Too many context scans are running; try again in a moment.".into(),
            ));
        }
        let handles = Handles::default();
        running.insert(id.to_owned(), handles.clone());
        Ok(ScanGuard {
            scans: Arc::clone(self),
            id: id.to_owned(),
            cancel: handles.cancel,
            progress: handles.progress,
        })
    }

    /// Files scanned so far, or `None` when no scan of that id is running (not started yet,
    /// or finished).
    pub fn progress(&self, id: &str) -> Option<usize> {
        self.lock()
            .get(id)
            .map(|h| h.progress.load(Ordering::Relaxed))
    }

    /// Asks scan `id` to stop; it then answers with what it found so far (`partial`). False
    /// when no such scan is running.
    pub fn cancel(&self, id: &str) -> bool {
        self.lock()
            .get(id)
            .map(|h| h.cancel.store(true, Ordering::Relaxed))
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_is_registered_while_its_guard_lives() {
        let scans = Arc::new(Scans::default());
        let guard = scans.start("scan-0001").unwrap();
        assert!(scans.start("scan-0001").is_err(), "twice");
        guard.progress.fetch_add(3, Ordering::Relaxed);
        assert_eq!(scans.progress("scan-0001"), Some(3));
        assert!(scans.cancel("scan-0001"));
        assert!(guard.cancel.load(Ordering::Relaxed));
        drop(guard);
        assert_eq!(scans.progress("scan-0001"), None);
        assert!(!scans.cancel("scan-0001"));
        assert!(scans.start("scan-0001").is_ok(), "free again");
    }

    #[test]
    fn odd_ids_and_too_many_scans_are_refused() {
        let scans = Arc::new(Scans::default());
        for bad in ["short", "has space in it", "../../../etc", &"x".repeat(65)] {
            assert!(scans.start(bad).is_err(), "{bad}");
        }
        let guards: Vec<_> = (0..MAX_RUNNING_SCANS)
            .map(|i| scans.start(&format!("scan-{i:04}")).unwrap())
            .collect();
        assert!(scans.start("scan-extra").is_err());
        drop(guards);
        assert!(scans.start("scan-extra").is_ok());
    }
}
