//! DNS rebinding and cross-site requests refused (reads and event streams too); a token, when
//! set, required; every HTML response under a Content-Security-Policy.

use crate::store::write_session;
use crate::support::{body_text, TestHub};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

fn request(method: Method, uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = if uri.contains("/status") {
        Body::from(r#"{"status": "complete"}"#)
    } else {
        Body::empty()
    };
    builder
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .unwrap()
}

#[tokio::test]
async fn a_foreign_host_name_is_refused_on_loopback() {
    let hub = TestHub::new();
    for (host, expected) in [
        ("evil.example", StatusCode::FORBIDDEN),
        ("evil.example:3000", StatusCode::FORBIDDEN),
        ("localhost:3000", StatusCode::OK),
        ("127.0.0.1:3000", StatusCode::OK),
        ("[::1]:3000", StatusCode::OK),
    ] {
        let response = hub
            .send(request(Method::GET, "/api/sessions", &[("host", host)]))
            .await;
        assert_eq!(response.status(), expected, "{host}");
    }
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let hub = TestHub::new();
    write_session(
        &hub.sessions_dir(),
        "s",
        r#"{"agents": [{"agent_id": "a"}]}"#,
    );
    hub.refresh();
    let uri = "/api/sessions/s/agents/a/status";
    let foreign = hub
        .send(request(
            Method::POST,
            uri,
            &[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://evil.example"),
            ],
        ))
        .await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(body_text(foreign).await.contains("cross-site"));
    let same = hub
        .send(request(
            Method::POST,
            uri,
            &[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000"),
            ],
        ))
        .await;
    assert_eq!(same.status(), StatusCode::OK);
    let agent = hub
        .send(request(Method::POST, uri, &[("host", "127.0.0.1:3000")]))
        .await;
    assert_eq!(
        agent.status(),
        StatusCode::OK,
        "scripts and agents send no Origin"
    );
}

#[tokio::test]
async fn cross_site_reads_are_refused_on_every_route() {
    let hub = TestHub::new();
    write_session(
        &hub.sessions_dir(),
        "s",
        r#"{"agents": [{"agent_id": "a", "output_file": "a.md"}]}"#,
    );
    hub.refresh();
    let routes = [
        "/api/sessions",
        "/api/sessions?id=s",
        "/api/events",
        "/api/sessions/output?feature=s&agent=a",
        "/api/sessions/output/download?feature=s&agent=a",
        "/api/sessions/context-discovery?stubDescription=x",
        "/sessions?tab=monitor",
        "/sessions?tab=monitor&session=s",
        "/healthz",
        "/favicon.svg",
        "/no-such-page",
    ];
    for uri in routes {
        for origin in [
            "http://evil.example",
            "null",
            "http://127.0.0.1:3000.evil.example",
        ] {
            let response = hub
                .send(request(
                    Method::GET,
                    uri,
                    &[("host", "127.0.0.1:3000"), ("origin", origin)],
                ))
                .await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{uri} from {origin}"
            );
        }
        let same = hub
            .send(request(
                Method::GET,
                uri,
                &[
                    ("host", "127.0.0.1:3000"),
                    ("origin", "http://127.0.0.1:3000"),
                ],
            ))
            .await;
        assert_ne!(
            same.status(),
            StatusCode::FORBIDDEN,
            "{uri} from the hub itself"
        );
    }
}

#[tokio::test]
async fn every_html_response_carries_the_security_headers() {
    let hub = TestHub::with_config(|config| config.token = Some("s3cret".into()));
    let bearer = ("authorization", "Bearer s3cret");
    let mut nonces = Vec::new();
    for uri in ["/sessions", "/sessions?tab=monitor", "/no-such-page"] {
        let response = hub.send(request(Method::GET, uri, &[bearer])).await;
        let headers = response.headers().clone();
        let html = body_text(response).await;
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{uri}: {policy}"))
            .to_owned();
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{uri}: the page's scripts carry the header's nonce"
        );
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{uri}: {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a fresh nonce per response");

    // The sign-in page runs no script at all; its style is allowed by a nonce of its own.
    let login = hub.get("/login").await;
    let policy = login.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    let html = body_text(login).await;
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        html.contains(&format!("<style nonce=\"{nonce}\">")),
        "{html}"
    );
    assert!(!html.contains("<script"));

    // JSON answers are not HTML, but are not sniffed as anything else either.
    let api = hub
        .send(request(Method::GET, "/api/sessions", &[bearer]))
        .await;
    assert_eq!(api.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let refused = hub.get("/api/sessions").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(refused.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn with_a_token_every_request_needs_it() {
    let hub = TestHub::with_config(|config| config.token = Some("s3cret".into()));
    let plain = hub.get("/api/sessions").await;
    assert_eq!(plain.status(), StatusCode::UNAUTHORIZED);
    assert!(body_text(plain).await.contains("Bearer"));
    let wrong = hub
        .send(request(
            Method::GET,
            "/api/sessions",
            &[("authorization", "Bearer nope")],
        ))
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = hub
        .send(request(
            Method::GET,
            "/api/sessions",
            &[("authorization", "Bearer s3cret")],
        ))
        .await;
    assert_eq!(right.status(), StatusCode::OK);
    assert_eq!(
        hub.get("/healthz").await.status(),
        StatusCode::OK,
        "health stays open"
    );

    // A browser is sent to the login page, which sets an HttpOnly cookie.
    let page = hub
        .send(request(
            Method::GET,
            "/sessions",
            &[("accept", "text/html")],
        ))
        .await;
    assert!(page.status().is_redirection());
    assert_eq!(page.headers()[header::LOCATION], "/login");
    let login = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("token=s3cret"))
        .unwrap();
    let signed_in = hub.send(login).await;
    assert!(signed_in.status().is_redirection());
    let cookie = signed_in.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap();
    let with_cookie = hub
        .send(request(
            Method::GET,
            "/sessions?tab=monitor",
            &[("cookie", pair)],
        ))
        .await;
    assert_eq!(with_cookie.status(), StatusCode::OK);

    let bad_login = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("token=guess"))
        .unwrap();
    let refused = hub.send(bad_login).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(body_text(refused).await.contains("not this hub's token"));
}

#[test]
fn listening_beyond_loopback_needs_a_token() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hub"))
        .args(["--addr", "0.0.0.0:0", "--sessions-dir"])
        .arg(std::env::temp_dir().join("hub-exposure-test"))
        .env_remove("HUB_TOKEN")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--token"));
}
