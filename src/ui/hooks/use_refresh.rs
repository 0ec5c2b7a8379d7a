use leptos::prelude::*;

/// What [`use_refresh`] returns: `tick` changes whenever data should be fetched again.
#[derive(Clone, Copy)]
pub struct UseRefreshReturn {
    pub tick: ReadSignal<u64>,
    /// Ask for a refresh now (Refresh and Retry buttons).
    pub trigger: Callback<()>,
}

/// Ticks every `interval_ms` while the page is visible and `paused` is false (the live channel
/// makes polling unnecessary while it is up), when the window regains focus and when the
/// network comes back.
///
/// ## Server-Side Rendering
/// On the server nothing is scheduled; `tick` stays 0.
pub fn use_refresh(interval_ms: Signal<u64>, paused: Signal<bool>) -> UseRefreshReturn {
    let (tick, set_tick) = signal(0u64);
    let bump = move || {
        set_tick.try_update(|tick| *tick += 1);
    };

    #[cfg(feature = "hydrate")]
    {
        use gloo_timers::future::TimeoutFuture;
        leptos::task::spawn_local(async move {
            loop {
                let wait = interval_ms
                    .try_get_untracked()
                    .unwrap_or(10_000)
                    .clamp(250, 3_600_000);
                TimeoutFuture::new(wait as u32).await;
                if document().hidden() || paused.try_get_untracked().unwrap_or(false) {
                    continue;
                }
                // The owner is gone once the view unmounts: stop polling.
                if set_tick.try_update(|tick| *tick += 1).is_none() {
                    break;
                }
            }
        });
        let on_focus = window_event_listener(leptos::ev::focus, move |_| bump());
        let on_online = window_event_listener(leptos::ev::online, move |_| bump());
        on_cleanup(move || {
            on_focus.remove();
            on_online.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (interval_ms, paused);

    UseRefreshReturn {
        tick,
        trigger: Callback::new(move |()| bump()),
    }
}
