//! The hub listens on loopback unless given a token; it refuses requests whose `Host` is not a
//! name for this machine (DNS rebinding) and every cross-site request, reads and event streams
//! included (an `Origin` that is not the hub's own); with a token, every request must carry it
//! (`Authorization: Bearer`, or the cookie the login page sets).

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;

pub const TOKEN_COOKIE: &str = "hub_token";

/// Refuses to expose the hub beyond this machine without a token.
pub fn check_exposure(addr: SocketAddr, token: Option<&str>) -> Result<(), String> {
    if addr.ip().is_loopback() || token.is_some_and(|t| !t.is_empty()) {
        Ok(())
    } else {
        Err(format!(
            "listening on {addr} would let anyone on the network read and change your sessions; \
             set a token with --token (or HUB_TOKEN), or listen on 127.0.0.1"
        ))
    }
}

/// The guard in front of every route.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let loopback = state.hub.config().addr.ip().is_loopback();
    if loopback && !host_is_local(headers) {
        return refuse(
            StatusCode::FORBIDDEN,
            "this hub only answers to localhost names (Host header refused)",
        );
    }
    // Browsers send `Origin` on every cross-origin request (and on same-origin ones that are
    // not plain GETs); another site's page may neither change nor read the hub.
    if !same_origin(headers) {
        return refuse(
            StatusCode::FORBIDDEN,
            "cross-site request refused (Origin does not match Host)",
        );
    }
    if let Some(token) = state.hub.config().token.as_deref() {
        let path = request.uri().path();
        let open = path == "/healthz"
            || path == "/login"
            || path.starts_with("/pkg/")
            || path == "/favicon.svg";
        if !open && !carries_token(headers, token) {
            return if accepts_html(headers) && request.method() == Method::GET {
                Redirect::to("/login").into_response()
            } else {
                refuse(
                    StatusCode::UNAUTHORIZED,
                    "this hub needs its token: send Authorization: Bearer <token>",
                )
            };
        }
    }
    next.run(request).await
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    host.rsplit_once(':').map_or(host, |(name, _port)| name)
}

fn host_is_local(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        // HTTP/1.0 clients and in-process tests send none; nothing to rebind then.
        return true;
    };
    matches!(
        host_name(host).to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    ) || host_name(host).to_ascii_lowercase().ends_with(".localhost")
}

/// No `Origin` (same-site navigation, curl, agents) or one whose host is our `Host`.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

fn carries_token(headers: &HeaderMap, token: &str) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| constant_time_eq(given.trim(), token));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == TOKEN_COOKIE && constant_time_eq(value, token));
    bearer || cookie
}

/// Compares without an early exit, so response times do not leak how much of a guess was right.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff));
    }
    diff == 0
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The sign-in page, its inline style allowed by a fresh nonce (and nothing else by its CSP).
fn login_response(status: StatusCode, error: Option<&str>) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let mut page = LOGIN_PAGE.replace("<style>", &format!("<style nonce=\"{nonce}\">"));
    if let Some(error) = error {
        page = page.replace("<!--error-->", &format!("<p role=\"alert\">{error}</p>"));
    }
    let mut response = (status, Html(page)).into_response();
    if let Ok(value) = super::headers::static_page_policy(&nonce).parse() {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// `GET /login`: asks for the token once.
pub async fn login_page() -> Response {
    login_response(StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
}

/// `POST /login`: a right token becomes an HttpOnly cookie.
pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    match state.hub.config().token.as_deref() {
        Some(token) if constant_time_eq(form.token.trim(), token) => {
            let cookie = format!("{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            let mut response = Redirect::to("/sessions").into_response();
            if let Ok(value) = cookie.parse() {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Some(_) => login_response(
            StatusCode::UNAUTHORIZED,
            Some("That is not this hub's token."),
        ),
        None => Redirect::to("/sessions").into_response(),
    }
}

const LOGIN_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Sign in · Sessions Hub</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}
label,input,button{display:block;font:inherit;margin-top:.5rem}input{width:100%;padding:.4rem}
[role=alert]{color:#b0203a}</style></head>
<body><main><h1>Sessions Hub</h1><p>This hub is shared over the network: enter its token (the value of <code>--token</code>).</p>
<!--error--><form method="post" action="/login"><label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></main></body></html>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_needs_a_token() {
        assert!(check_exposure("127.0.0.1:3000".parse().unwrap(), None).is_ok());
        assert!(check_exposure("[::1]:3000".parse().unwrap(), None).is_ok());
        assert!(check_exposure("0.0.0.0:3000".parse().unwrap(), None)
            .unwrap_err()
            .contains("--token"));
        assert!(check_exposure("0.0.0.0:3000".parse().unwrap(), Some("")).is_err());
        assert!(check_exposure("0.0.0.0:3000".parse().unwrap(), Some("s3cret")).is_ok());
    }

    #[test]
    fn host_names() {
        assert_eq!(host_name("localhost:3000"), "localhost");
        assert_eq!(host_name("[::1]:3000"), "::1");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
        assert_eq!(host_name("evil.example:80"), "evil.example");
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(!constant_time_eq("", "a"));
    }
}
