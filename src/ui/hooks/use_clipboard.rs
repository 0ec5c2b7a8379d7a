//! Copies text to the clipboard and says so for a moment (leptos-use `use_clipboard` shape).

use leptos::prelude::*;

/// How long "Copied" stays before the button reads "Copy" again.
const COPIED_FOR_MS: u32 = 3_000;

#[derive(Clone, Copy)]
pub struct UseClipboardReturn {
    /// True for a few seconds after a successful copy.
    pub copied: ReadSignal<bool>,
    /// True when the last copy failed (no clipboard access): the text must be copied by hand.
    pub failed: ReadSignal<bool>,
    pub copy: Callback<String>,
}

/// ## Server-Side Rendering
/// Nothing to copy on the server: `copy` does nothing and `copied` stays false.
pub fn use_clipboard() -> UseClipboardReturn {
    let (copied, set_copied) = signal(false);
    let (failed, set_failed) = signal(false);
    // Only the latest copy may reset the label.
    let generation = StoredValue::new(0u32);

    let copy = Callback::new(move |text: String| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use wasm_bindgen::JsCast;
            // `navigator.clipboard` is missing outside secure contexts (a hub served over
            // plain HTTP on a LAN address): calling it would throw, so look first.
            let clipboard = js_sys::Reflect::get(&window().navigator(), &"clipboard".into())
                .ok()
                .filter(|c| !c.is_undefined() && !c.is_null())
                .map(|c| c.unchecked_into::<web_sys::Clipboard>());
            let ok = match clipboard {
                Some(clipboard) => {
                    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text))
                        .await
                        .is_ok()
                }
                None => false,
            };
            set_copied.try_set(ok);
            set_failed.try_set(!ok);
            if ok {
                generation.update_value(|g| *g = g.wrapping_add(1));
                let mine = generation.get_value();
                gloo_timers::future::TimeoutFuture::new(COPIED_FOR_MS).await;
                if generation.try_get_value() == Some(mine) {
                    set_copied.try_set(false);
                }
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, set_copied, set_failed, generation, COPIED_FOR_MS);
    });

    UseClipboardReturn {
        copied,
        failed,
        copy,
    }
}
