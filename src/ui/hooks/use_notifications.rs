use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Not asked yet.
    Ask,
    Granted,
    Denied,
    /// No Notification API (or not in the browser yet).
    Unsupported,
}

#[derive(Clone, Copy)]
pub struct UseNotificationsReturn {
    pub permission: ReadSignal<Permission>,
    /// Asks the browser for permission (must come from a click).
    pub request: Callback<()>,
    /// Shows `(title, body)` if permitted; a no-op otherwise.
    pub notify: Callback<(String, String)>,
}

/// Browser notifications, with the user's permission.
///
/// ## Server-Side Rendering
/// On the server (and until hydrated) the permission reads `Unsupported` and nothing is shown.
pub fn use_notifications() -> UseNotificationsReturn {
    let (permission, set_permission) = signal(Permission::Unsupported);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| set_permission.set(browser::current()));
    let request = Callback::new(move |()| {
        #[cfg(feature = "hydrate")]
        browser::request(set_permission);
        #[cfg(not(feature = "hydrate"))]
        let _ = set_permission;
    });
    let notify = Callback::new(move |(title, body): (String, String)| {
        if permission.get_untracked() == Permission::Granted {
            #[cfg(feature = "hydrate")]
            browser::show(&title, &body);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (title, body);
    });
    UseNotificationsReturn {
        permission,
        request,
        notify,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Permission;
    use crate::domain::untrusted::plain_line;
    use leptos::prelude::*;
    use web_sys::{Notification, NotificationOptions, NotificationPermission};

    fn supported() -> bool {
        js_sys::Reflect::has(&window(), &"Notification".into()).unwrap_or(false)
    }

    pub fn current() -> Permission {
        if !supported() {
            return Permission::Unsupported;
        }
        match Notification::permission() {
            NotificationPermission::Granted => Permission::Granted,
            NotificationPermission::Denied => Permission::Denied,
            _ => Permission::Ask,
        }
    }

    pub fn request(set: WriteSignal<Permission>) {
        if !supported() {
            return;
        }
        let Ok(promise) = Notification::request_permission() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            set.try_set(current());
        });
    }

    const MAX_TITLE_CHARS: usize = 60;
    const MAX_BODY_CHARS: usize = 200;

    /// The body names agents and features: one line, no bidi tricks, a bounded length.
    pub fn show(title: &str, body: &str) {
        let title = plain_line(title, MAX_TITLE_CHARS);
        let options = NotificationOptions::new();
        options.set_body(&plain_line(body, MAX_BODY_CHARS));
        options.set_tag(&title);
        let _ = Notification::new_with_options(&title, &options);
    }
}
