//! Archive, restore and delete from a session's page: a button opens a confirmation dialog
//! whose state is in the URL (`&confirm=archive|restore|delete`), so it deep-links and works
//! without JavaScript (its form posts to `/sessions/move`). Hydrated, the form calls the
//! `move_session` server function instead. A delete asks for the session's id to be typed.

use super::dialog_opener::{in_place, DialogOpener};
use super::{session_href, use_monitor, LIST_HREF};
use crate::domain::lifecycle::LifecycleAction;
use crate::server_fns::sessions::move_session;
use crate::ui::components::Modal;
use crate::ui::hooks::focus::return_focus;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

fn opener_id(action: LifecycleAction) -> String {
    format!("lifecycle-{}", action.slug())
}

/// "Archive", "Restore" or "Delete": opens the dialog, with or without JavaScript.
#[component]
pub fn LifecycleButton(session: String, action: LifecycleAction) -> impl IntoView {
    let class = match action {
        LifecycleAction::Delete => "button-small button-danger",
        _ => "button-small",
    };
    view! {
        <DialogOpener session name="confirm" value=action.slug().to_owned() id=opener_id(action) class>
            {action.label()}
        </DialogOpener>
    }
}

/// The confirmation dialog for `action` on `session`.
#[component]
pub fn LifecycleDialog(
    session: String,
    feature_name: String,
    action: LifecycleAction,
    trash_days: u64,
    /// Why a no-JavaScript post was refused (`&move_error=`).
    refused: Option<String>,
) -> impl IntoView {
    let monitor = use_monitor();
    let navigate = use_navigate();
    let error = RwSignal::new(refused);
    let typed = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let hydrated = crate::ui::app::use_hydrated();
    let is_delete = action == LifecycleAction::Delete;

    let close = {
        let (navigate, href) = (navigate.clone(), session_href(&session));
        Callback::new(move |()| {
            navigate(&href, in_place());
            return_focus(Some(opener_id(action)));
        })
    };
    let submit = {
        let session = session.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            let (session, navigate) = (session.clone(), navigate.clone());
            let confirm = is_delete.then(|| typed.get_untracked());
            leptos::task::spawn_local(async move {
                let moved = move_session(session.clone(), action, confirm).await;
                busy.set(false);
                match moved {
                    Ok(moved) => {
                        monitor.announcement.set(action.done(&moved.id));
                        // A deleted session's page is left: refetching it would be a 404.
                        if !moved.deleted {
                            monitor.refresh.trigger.run(());
                        }
                        let next = if moved.deleted {
                            format!("{LIST_HREF}&status=archived")
                        } else {
                            session_href(&session)
                        };
                        navigate(&next, in_place());
                    }
                    Err(err) => error.set(Some(err.to_string())),
                }
            });
        }
    };
    let matches = {
        let session = session.clone();
        move || typed.with(|t| t.trim() == session)
    };
    // Hydrated, Delete waits for the id; without JavaScript the server checks it.
    let disabled = move || busy.get() || (is_delete && hydrated.get() && !matches());
    let consequence = action.consequence(trash_days);

    view! {
        <Modal labelled_by="confirm-title" on_close=close class="confirm-dialog">
            <h2 id="confirm-title">{action.question()}</h2>
            <p class="confirm-dialog__what">
                <span class="agent-text">{feature_name}</span> " " <code>{session.clone()}</code>
            </p>
            <p id="confirm-consequence">{consequence}</p>
            <form method="post" action="/sessions/move" on:submit=submit>
                <input type="hidden" name="session" value=session.clone() />
                <input type="hidden" name="action" value=action.slug() />
                {is_delete.then(|| view! {
                    <label class="field">
                        <span>"Type the session id to confirm"</span>
                        <input
                            type="text"
                            name="confirm"
                            required
                            autocomplete="off"
                            spellcheck="false"
                            data-autofocus
                            aria-describedby="confirm-consequence"
                            prop:value=move || typed.get()
                            on:input:target=move |ev| typed.set(ev.target().value())
                        />
                    </label>
                })}
                {move || error.get().map(|message| view! {
                    <p class="notice notice--warn" role="alert">{message}</p>
                })}
                <div class="confirm-dialog__actions">
                    <button
                        type="submit"
                        class=if is_delete { "button-danger" } else { "button-primary" }
                        disabled=disabled
                        data-autofocus=(!is_delete).then_some("")
                    >
                        {action.label()}
                    </button>
                    <a
                        class="button-link"
                        href=session_href(&session)
                        on:click=move |ev| {
                            ev.prevent_default();
                            close.run(());
                        }
                    >
                        "Cancel"
                    </a>
                </div>
            </form>
        </Modal>
    }
}

/// The dialog `&confirm=` asks for, if it applies to a session in that state.
pub fn wanted_dialog(raw: Option<&str>, archived: bool) -> Option<LifecycleAction> {
    LifecycleAction::parse(raw?).filter(|action| action.needs_archived() == archived)
}
