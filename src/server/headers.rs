//! Response headers that hold a page together if agent-written text ever slips past escaping:
//! a Content-Security-Policy on every HTML response (scripts only from the hub itself or with
//! the page's nonce, no plugins, no `<base>`, no framing), plus `nosniff` and
//! `Referrer-Policy: same-origin` on everything.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::use_context;

/// The policy of a page rendered by Leptos. Scripts: the bundle from `'self'`, inline scripts
/// only with the page's `nonce` (the hydration script and the data Leptos ships with the page),
/// and WebAssembly compilation (`'wasm-unsafe-eval'`, which allows no JavaScript `eval`).
/// Styles only from the stylesheet: no inline `style` attribute either.
pub fn page_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// For HTML the hub writes by hand (the sign-in page): no script at all, styles by nonce.
pub fn static_page_policy(style_nonce: &str) -> String {
    format!(
        "default-src 'none'; style-src 'nonce-{style_nonce}'; img-src 'self'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// The policy for any other HTML response: nothing runs, nothing loads.
const FALLBACK_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Runs inside every Leptos render (pages and server functions): the page's policy names the
/// nonce Leptos generated for this response.
pub fn provide_page_policy() {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce();
    if let Ok(value) = HeaderValue::from_str(&page_policy(nonce.as_deref())) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The layer in front of every route.
pub async fn add_security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Nothing leaves for other sites (agent output links anywhere). Not `no-referrer`: under
    // it a browser posts the hub's own forms with `Origin: null`, which the guard must refuse.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if is_html(headers) {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(FALLBACK_POLICY),
            );
        }
    }
    response
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_scripts_only_by_origin_or_nonce() {
        let policy = page_policy(Some("abc123"));
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "style-src 'self';",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
        assert!(!policy.contains("unsafe-inline"));
        assert!(!page_policy(None).contains("nonce"));
    }
}
