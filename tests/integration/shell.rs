//! The hub shell: health, the redirect, and server rendering of each tab.

use crate::support::TestHub;
use axum::http::{header, StatusCode};

/// The opening tag of the element with `id`, to check its attributes.
fn tag_with_id<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = format!("id=\"{id}\"");
    let at = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no element #{id} in the page"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

#[tokio::test]
async fn healthz_answers_ok() {
    let hub = TestHub::new();
    let (status, body) = hub.get_text("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    // No watcher runs in-process: the hub says so rather than claiming to be live.
    assert_eq!(health["status"], "degraded", "{body}");
    assert_eq!(health["watch"]["mode"], "none");
    assert_eq!(health["sessions"], 0);
    assert!(health["generation"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn root_redirects_to_sessions() {
    let hub = TestHub::new();
    let response = hub.get("/").await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()[header::LOCATION], "/sessions");
}

#[tokio::test]
async fn deep_link_renders_the_monitor_tab_selected() {
    let hub = TestHub::new();
    let (status, html) = hub.get_text("/sessions?tab=monitor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(tag_with_id(&html, "tab-monitor").contains(r#"aria-selected="true""#));
    assert!(tag_with_id(&html, "tab-create").contains(r#"aria-selected="false""#));
    assert!(!tag_with_id(&html, "panel-monitor").contains("hidden"));
    assert!(tag_with_id(&html, "panel-create").contains("hidden"));
    assert!(html.contains("<title>Monitor Sessions · Sessions Hub</title>"));
}

#[tokio::test]
async fn default_and_unknown_tabs_render_create() {
    let hub = TestHub::new();
    for uri in [
        "/sessions",
        "/sessions?tab=create",
        "/sessions?tab=%3Cscript%3E",
    ] {
        let (status, html) = hub.get_text(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            tag_with_id(&html, "tab-create").contains(r#"aria-selected="true""#),
            "{uri}"
        );
        assert!(
            tag_with_id(&html, "panel-monitor").contains("hidden"),
            "{uri}"
        );
        assert!(!html.contains("<script>"), "{uri}");
    }
}

#[tokio::test]
async fn tabs_are_links_and_the_page_loads_the_bundle() {
    let hub = TestHub::new();
    let (_, html) = hub.get_text("/sessions").await;
    assert!(tag_with_id(&html, "tab-monitor").contains(r#"href="/sessions?tab=monitor""#));
    assert!(
        html.contains("/pkg/sessions-hub.js"),
        "hydration script missing"
    );
    assert!(html.contains("/pkg/sessions-hub.css"));
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let hub = TestHub::new();
    let (status, html) = hub.get_text("/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}
