use leptos::prelude::*;

/// "Now" in unix milliseconds for relative times. It starts at `initial_ms` (the server's clock
/// in the data being shown) so the server render and hydration agree, then follows the
/// browser's clock, advancing every 15 s.
///
/// ## Server-Side Rendering
/// On the server it stays at `initial_ms`.
pub fn use_clock(initial_ms: i64) -> RwSignal<i64> {
    let now = RwSignal::new(initial_ms);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        now.set(js_sys::Date::now() as i64);
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(15_000).await;
                if now.try_set(js_sys::Date::now() as i64).is_some() {
                    // try_set hands the value back when the signal is gone.
                    break;
                }
            }
        });
    });
    now
}
