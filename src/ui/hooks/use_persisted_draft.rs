//! Keeps the wizard's draft in `localStorage`, so a reload (or a crash of the tab) keeps it.

use crate::ui::model::wizard::WizardDraft;
use leptos::prelude::*;

/// What [`use_persisted_draft`] returns.
#[derive(Clone, Copy)]
pub struct UsePersistedDraftReturn {
    /// True once the stored draft (if any) has been applied.
    pub restored: ReadSignal<bool>,
}

/// Restores `draft` from `localStorage[key]` once the page is hydrated, then writes every
/// change back.
///
/// The stored draft is applied in an effect, never during the first render: the server
/// renders the empty draft, hydration must find the same, and only then may the page show
/// what the browser kept. A stored draft of another [`DRAFT_VERSION`](crate::ui::model::wizard::DRAFT_VERSION)
/// is ignored.
///
/// ## Server-Side Rendering
/// Effects do not run on the server: the draft stays as given and `restored` false.
pub fn use_persisted_draft(
    key: &'static str,
    draft: RwSignal<WizardDraft>,
) -> UsePersistedDraftReturn {
    let (restored, set_restored) = signal(false);

    #[cfg(feature = "hydrate")]
    Effect::new(move |previous: Option<()>| {
        let storage = window().local_storage().ok().flatten();
        if previous.is_none() {
            let stored = storage
                .as_ref()
                .and_then(|s| s.get_item(key).ok().flatten())
                .and_then(|text| WizardDraft::from_stored(&text));
            if let Some(stored) = stored {
                draft.set(stored);
            }
            set_restored.set(true);
        } else if let Some(storage) = storage {
            // A full or disabled storage only loses persistence, not the draft on screen.
            let _ = draft.with(|d| storage.set_item(key, &d.to_stored()));
        }
        // Subscribes after the restore above, so restoring does not write the draft back.
        draft.track();
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, draft, set_restored);

    UsePersistedDraftReturn { restored }
}
