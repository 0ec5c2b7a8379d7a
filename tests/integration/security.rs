//! SPEC §6: DNS rebinding and cross-site writes refused; a token, when set, required.

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
