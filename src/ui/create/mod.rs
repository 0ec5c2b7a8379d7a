//! The Create tab: a five-step wizard that turns a stub into a session package.
//!
//! All state lives in one draft signal ([`WizardDraft`]) created by the hub, not by this tab,
//! so it survives switching tabs; `use_persisted_draft` keeps it in `localStorage` so it
//! survives a reload. Each step validates with the same `validate_step` the server runs again
//! before it writes anything. Until the page is hydrated the server-rendered step 1 is shown
//! with a note that the wizard needs JavaScript.

mod agent_card;
mod attachment_form;
mod attachments;
mod context_discovery;
mod instruction_block;
mod instruction_blocks;
mod step_agents;
mod step_complete;
mod step_context;
mod step_generate;
mod step_indicator;
mod step_stub;
mod stub_fields;
mod stub_launcher;
mod stub_picker;
mod waves_preview;
mod wizard_nav;

use crate::domain::create::FieldErrors;
use crate::server_fns::create::generate_session;
use crate::ui::app::use_hydrated;
use crate::ui::components::FieldMessage;
use crate::ui::hooks::focus::focus_heading;
use crate::ui::hooks::use_persisted_draft;
use crate::ui::model::wizard::{validate_step, WizardStep};
use crate::ui::model::wizard::{WizardDraft, STORAGE_KEY};
use leptos::html;
use leptos::prelude::*;
use step_agents::StepAgents;
use step_complete::StepComplete;
use step_context::StepContext;
use step_generate::StepGenerate;
use step_indicator::StepIndicator;
use step_stub::StepStub;
use stub_launcher::StubLauncher;
use wizard_nav::WizardNav;

/// The wizard's shared state, provided by the hub.
#[derive(Clone, Copy)]
pub struct Wizard {
    pub draft: RwSignal<WizardDraft>,
    /// Set when Next is refused: the step's messages show, and follow the user's edits, until
    /// the step changes.
    pub show_errors: RwSignal<bool>,
    /// The current step's problems (shown or not).
    pub errors: Memo<FieldErrors>,
    /// The step heading, where focus goes after Next and Back.
    pub heading: NodeRef<html::H3>,
    /// A Generate Session request is on its way.
    pub generating: RwSignal<bool>,
    /// Why the last Generate Session failed (the draft is kept).
    pub generate_error: RwSignal<Option<String>>,
    /// The draft kept in `localStorage` has been applied (once hydrated).
    pub restored: ReadSignal<bool>,
}

impl Wizard {
    /// The message of `field` on the current step, once Next has been refused.
    pub fn field(self, field: &str) -> FieldMessage {
        let name = field.to_owned();
        let message = Signal::derive(move || {
            if !self.show_errors.get() {
                return None;
            }
            self.errors.with(|e| e.get(&name).map(str::to_owned))
        });
        FieldMessage::new(field, message)
    }

    pub fn step(self) -> WizardStep {
        self.draft.with(|d| d.step)
    }

    /// Moves to another step (Next, Back, Generate, Create another): messages are hidden
    /// again and focus goes to the new step's heading.
    pub fn moved(self) {
        self.show_errors.set(false);
        self.generate_error.set(None);
        focus_heading(self.heading);
    }

    /// Sends the draft to the server, which validates it again and writes the session. On
    /// success the wizard shows step 5; on failure the error, with every input kept.
    pub fn generate(self) {
        if self.generating.get_untracked() {
            return;
        }
        self.generating.set(true);
        self.generate_error.set(None);
        let request = self.draft.with_untracked(|d| d.request.clone());
        leptos::task::spawn_local(async move {
            let result = generate_session(request).await;
            self.generating.try_set(false);
            match result {
                Ok(generated) => {
                    self.draft.update(|d| {
                        if d.step == WizardStep::Generate {
                            d.complete(generated)
                        }
                    });
                    self.moved();
                }
                Err(err) => {
                    self.generate_error.try_set(Some(err.to_string()));
                }
            }
        });
    }
}

/// Creates the draft, restores it from `localStorage` after hydration, and provides it.
pub fn provide_wizard() -> Wizard {
    let draft = RwSignal::new(WizardDraft::new());
    let restored = use_persisted_draft(STORAGE_KEY, draft).restored;
    let wizard = Wizard {
        draft,
        show_errors: RwSignal::new(false),
        errors: Memo::new(move |_| draft.with(|d| validate_step(&d.request, d.step))),
        heading: NodeRef::new(),
        generating: RwSignal::new(false),
        generate_error: RwSignal::new(None),
        restored,
    };
    provide_context(wizard);
    wizard
}

pub fn use_wizard() -> Wizard {
    use_context::<Wizard>().unwrap_or_else(provide_wizard)
}

/// `?tab=create&next_phase=<session>` ("Start next phase" on a complete session): once the
/// kept draft is restored, the wizard starts over from that session's next phase.
fn use_next_phase(wizard: Wizard) {
    let query = leptos_router::hooks::use_query_map();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !wizard.restored.get() {
            return done.unwrap_or(false);
        }
        let Some(session) = query.read().get("next_phase").filter(|s| !s.is_empty()) else {
            return false;
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match crate::server_fns::create::prepare_next_phase(session).await {
                Ok(request) => {
                    wizard.draft.update(|d| d.start_next_phase(request));
                    wizard.moved();
                }
                Err(err) => wizard.generate_error.set(Some(err.to_string())),
            }
            let options = leptos_router::NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            };
            navigate("/sessions?tab=create", options);
        });
        true
    });
}

#[component]
pub fn CreateTab() -> impl IntoView {
    let wizard = use_wizard();
    let hydrated = use_hydrated();
    let step = Memo::new(move |_| wizard.step());
    use_next_phase(wizard);

    view! {
        <div class="wizard">
            <h2>"Create a session"</h2>
            <p class="panel-lead">
                "Five steps turn a stub into a session package: instructions, context, a roster "
                "of agents and one line per agent to paste into its terminal."
            </p>
            // Rendered by the server and during hydration alike (hydrated is false in both),
            // then hidden by the effect that marks the page hydrated: no mismatch.
            <p class="notice notice--warn wizard-nojs" hidden=move || hydrated.get()>
                "The wizard needs JavaScript: this is a preview of its first step. Enable "
                "JavaScript (or wait for the page to finish loading) to fill it in."
            </p>
            <StubLauncher />
            <StepIndicator step />
            <h3 class="wizard-step__heading" tabindex="-1" node_ref=wizard.heading>
                {move || step.get().label()}
            </h3>
            {move || match step.get() {
                WizardStep::Stub => view! { <StepStub /> }.into_any(),
                WizardStep::Context => view! { <StepContext /> }.into_any(),
                WizardStep::Agents => view! { <StepAgents /> }.into_any(),
                WizardStep::Generate => view! { <StepGenerate /> }.into_any(),
                WizardStep::Complete => view! { <StepComplete /> }.into_any(),
            }}
            <WizardNav step />
        </div>
    }
}
