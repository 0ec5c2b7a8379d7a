use leptos::prelude::*;

/// State of the push channel (`GET /api/events`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Connecting,
    Live,
    /// Disconnected; reconnecting in the background.
    Down,
}

#[derive(Clone, Copy)]
pub struct UseLiveEventsReturn {
    pub channel: ReadSignal<Channel>,
    /// The latest store generation the server announced.
    pub generation: ReadSignal<Option<u64>>,
}

/// One `EventSource` on `url` for the page's lifetime, reconnecting forever with backoff
/// (the browser retries dropped connections itself; a refused one closes the source, and then
/// this hook opens a new one after 1, 2, 4 ... 30 s).
///
/// ## Server-Side Rendering
/// On the server nothing connects; the channel stays `Connecting`.
pub fn use_live_events(url: &'static str) -> UseLiveEventsReturn {
    let (channel, set_channel) = signal(Channel::Connecting);
    let (generation, set_generation) = signal(None::<u64>);
    #[cfg(feature = "hydrate")]
    browser::connect(url, set_channel, set_generation);
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, set_channel, set_generation);
    UseLiveEventsReturn {
        channel,
        generation,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Channel;
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    /// An open source and the callbacks it holds; dropping it closes the source.
    struct Connection {
        source: EventSource,
        _on_open: Closure<dyn FnMut()>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut()>,
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    #[derive(Default)]
    struct State {
        connection: Option<Connection>,
        failed_attempts: u32,
        /// The page is gone: never reconnect.
        closed: bool,
    }

    #[derive(Clone)]
    struct Live {
        url: &'static str,
        state: Rc<RefCell<State>>,
        channel: WriteSignal<Channel>,
        generation: WriteSignal<Option<u64>>,
    }

    pub fn connect(
        url: &'static str,
        channel: WriteSignal<Channel>,
        generation: WriteSignal<Option<u64>>,
    ) {
        let live = Live {
            url,
            state: Rc::default(),
            channel,
            generation,
        };
        live.open();
        let state = StoredValue::new_local(live.state.clone());
        on_cleanup(move || {
            state.with_value(|state| {
                let mut state = state.borrow_mut();
                state.closed = true;
                state.connection = None;
            });
        });
    }

    impl Live {
        fn open(&self) {
            let Ok(source) = EventSource::new(self.url) else {
                self.retry_later();
                return;
            };
            let on_open = {
                let live = self.clone();
                Closure::<dyn FnMut()>::new(move || {
                    live.state.borrow_mut().failed_attempts = 0;
                    live.channel.try_set(Channel::Live);
                })
            };
            let on_message = {
                let live = self.clone();
                Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    let announced = event
                        .data()
                        .as_string()
                        .and_then(|data| serde_json::from_str::<serde_json::Value>(&data).ok())
                        .and_then(|data| data["generation"].as_u64());
                    if let Some(announced) = announced {
                        live.generation.try_set(Some(announced));
                    }
                    live.channel.try_set(Channel::Live);
                })
            };
            let on_error = {
                let live = self.clone();
                let source = source.clone();
                Closure::<dyn FnMut()>::new(move || {
                    live.channel.try_set(Channel::Down);
                    // The browser retries a dropped connection itself; a refused one closes.
                    if source.ready_state() == EventSource::CLOSED {
                        live.retry_later();
                    }
                })
            };
            source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            self.state.borrow_mut().connection = Some(Connection {
                source,
                _on_open: on_open,
                _on_message: on_message,
                _on_error: on_error,
            });
        }

        /// Opens a new source after 1, 2, 4 ... 30 s.
        fn retry_later(&self) {
            let attempt = {
                let mut state = self.state.borrow_mut();
                state.failed_attempts += 1;
                state.failed_attempts
            };
            let delay_ms = (1000u32 << (attempt - 1).min(5)).min(30_000);
            let live = self.clone();
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(delay_ms).await;
                let closed = {
                    let mut state = live.state.borrow_mut();
                    state.connection = None;
                    state.closed
                };
                if !closed {
                    live.open();
                }
            });
        }
    }
}
