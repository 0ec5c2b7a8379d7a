//! The stubs as a list to act on, above the wizard: "Start Session" makes the session in one
//! step (a form post, so it works without JavaScript) and opens its page; "Customize" opens the
//! wizard with the stub picked.

use super::use_wizard;
use crate::domain::format::encode_query_value;
use crate::domain::stub::{Stub, StubEntry};
use crate::server_fns::create::{list_stubs, start_session_from_stub};
use crate::ui::app::use_hydrated;
use crate::ui::model::wizard::WizardStep;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn StubLauncher() -> impl IntoView {
    let stubs = Resource::new(|| (), |_| list_stubs());
    let query = use_query_map();
    let refused = RwSignal::new(None::<String>);
    let message = move || refused.get().or_else(|| query.read().get("start_error"));
    view! {
        <section class="stub-launcher" aria-labelledby="stub-launcher-heading">
            <h3 id="stub-launcher-heading">"Start from a stub"</h3>
            {move || message().map(|message| view! {
                <p class="notice notice--warn" role="alert">
                    <strong>"The session was not started: "</strong>{message}
                </p>
            })}
            <Suspense fallback=|| view! { <p class="loading">"Loading the stubs…"</p> }>
                {move || Suspend::new(async move {
                    match stubs.await {
                        Ok(list) if list.stubs.iter().any(|entry| entry.stub.is_ok()) => {
                            let items = list
                                .stubs
                                .into_iter()
                                .filter_map(|StubEntry { folder, stub }| stub.ok().map(|stub| (folder, stub)))
                                .map(|(folder, stub)| view! { <StubItem folder stub refused /> })
                                .collect_view();
                            view! { <ul class="stub-launcher__list">{items}</ul> }.into_any()
                        }
                        Ok(list) => view! {
                            <p class="muted">
                                "No stubs in " <code>{list.stubs_dir}</code>
                                " yet: the wizard below starts from a description."
                            </p>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <p class="field-error">"Cannot list the stubs: " {error.to_string()}</p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn StubItem(folder: String, stub: Stub, refused: RwSignal<Option<String>>) -> impl IntoView {
    let wizard = use_wizard();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let starting = RwSignal::new(false);
    let name_id = format!("stub-launch-{}", encode_query_value(&folder));
    let roles = (!stub.agents_involved.is_empty())
        .then(|| format!("Agents: {}", stub.agents_involved.join(", ")));
    let phase =
        crate::domain::create::first_phase(&stub).map(|phase| format!("First phase: {phase}"));
    let start = {
        let folder = folder.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if starting.get_untracked() {
                return;
            }
            starting.set(true);
            let (folder, navigate) = (folder.clone(), navigate.clone());
            leptos::task::spawn_local(async move {
                let started = start_session_from_stub(folder).await;
                starting.set(false);
                match started {
                    Ok(generated) => {
                        refused.set(None);
                        navigate(
                            &format!(
                                "/sessions?tab=monitor&session={}",
                                encode_query_value(&generated.session_id)
                            ),
                            Default::default(),
                        );
                    }
                    Err(err) => refused.set(Some(err.to_string())),
                }
            });
        }
    };
    let customize = {
        let (folder, stub) = (folder.clone(), stub.clone());
        move |_| {
            wizard.draft.update(|d| {
                d.pick_stub(&folder, &stub);
                d.step = WizardStep::Stub;
            });
            wizard.moved();
        }
    };
    view! {
        <li class="stub-launcher__item">
            <div class="stub-launcher__text">
                <span class="stub-option__name" id=name_id.clone()>{stub.feature_name.clone()}</span>
                " " <code class="stub-option__id">{stub.id.clone()}</code>
                {roles.map(|roles| view! { <p class="stub-option__roles">{roles}</p> })}
                {phase.map(|phase| view! { <p class="stub-option__roles">{phase}</p> })}
            </div>
            <form method="post" action="/sessions/start" class="inline-form" on:submit=start>
                <input type="hidden" name="stub" value=folder.clone() />
                <button
                    type="submit"
                    class="button-primary"
                    aria-describedby=name_id.clone()
                    disabled=move || starting.get()
                >
                    {move || if starting.get() { "Starting…" } else { "Start Session" }}
                </button>
            </form>
            <button
                type="button"
                aria-describedby=name_id
                hidden=move || !hydrated.get()
                on:click=customize
            >
                "Customize"
            </button>
        </li>
    }
}
