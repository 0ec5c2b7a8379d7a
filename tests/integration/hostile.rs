//! Hostile metadata (the server half; the browser half is end2end/tests/hostile*.spec.ts): every payload of
//! `tests/fixtures/hostile/payloads.json` in every agent-written field, rendered by every page
//! the server draws, and by the generated prompts. The browser half, which also runs the pages,
//! is `end2end/tests/hostile*.spec.ts`.

use crate::support::{body_text, TestHub};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

pub fn payloads() -> Vec<String> {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/payloads.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A payload that can be a folder or file name is one (the session's id, an output file).
fn usable_as_name(payload: &str) -> bool {
    sessions_hub::domain::ids::validate_session_id(payload).is_ok()
}

/// The session id payload `n` lives under.
pub fn session_id(n: usize, payload: &str) -> String {
    if usable_as_name(payload) {
        payload.to_owned()
    } else {
        format!("hostile-{n:02}")
    }
}

/// Writes one session per payload, the payload in every field an agent writes: names,
/// descriptions, ids, roles, statuses, notes, dependencies, output paths, instruction blocks;
/// an output file holding it (and named by it, where it can name a file).
pub fn write_hostile_sessions(sessions_dir: &Path) -> Vec<(String, String)> {
    payloads()
        .into_iter()
        .enumerate()
        .map(|(n, payload)| {
            let id = session_id(n, &payload);
            let dir = sessions_dir.join(&id);
            fs::create_dir_all(dir.join("out")).unwrap();
            fs::write(dir.join("out/payload.md"), &payload).unwrap();
            let mut outputs = vec![json!("out/payload.md")];
            if usable_as_name(&payload) {
                fs::write(dir.join("out").join(&payload), &payload).unwrap();
                outputs.push(json!(format!("out/{payload}")));
            }
            let communication = json!({
                "workorder_id": payload,
                "feature_name": payload,
                "description": payload,
                "orchestrator": {"agent_id": payload, "role": payload, "status": payload},
                "agents": [
                    {"agent_id": payload, "role": payload, "status": "blocked",
                     "output_file": payload, "notes": payload, "status_message": payload},
                    {"agent_id": "agent-2", "role": payload, "status": payload,
                     "depends_on": [payload], "output_files": outputs},
                ],
            });
            fs::write(dir.join("communication.json"), communication.to_string()).unwrap();
            let instructions = json!({"blocks": [
                {"id": payload, "type": "task", "content": payload, "assigned_to": [payload]},
                {"id": "b2", "type": payload, "content": payload},
            ]});
            fs::write(dir.join("instructions.json"), instructions.to_string()).unwrap();
            // A question the payload asks, as a hand-written file: on "Needs you" and the detail.
            let choices = if payload.trim().is_empty() {
                json!([])
            } else {
                json!([payload, "safe"])
            };
            let question = json!({"id": "q-hostile", "agent_id": payload, "question": payload,
                "choices": choices, "asked_at": "2026-12-01T10:00:00.000Z"});
            fs::create_dir_all(dir.join("questions")).unwrap();
            fs::write(dir.join("questions/q-hostile.json"), question.to_string()).unwrap();
            (id, payload)
        })
        .collect()
}

/// Stubs as an agent could write them: the payload in the name, description, agents, scope.
pub fn write_hostile_stubs(stubs_dir: &Path) {
    for (n, payload) in payloads().into_iter().enumerate() {
        let dir = stubs_dir.join(format!("hostile-{n:02}"));
        fs::create_dir_all(&dir).unwrap();
        let stub = json!({
            "id": format!("hostile-{n:02}"),
            "feature_name": payload,
            "description": payload,
            "agents_involved": [payload, "agent-2"],
            "scope": payload,
            "phases": [payload],
        });
        fs::write(dir.join("stub.json"), stub.to_string()).unwrap();
    }
}

fn hostile_hub() -> (TestHub, Vec<(String, String)>) {
    let hub = TestHub::with_config(|config| {
        config.stubs_dir = config.sessions_dir.join("../stubs");
    });
    let sessions = write_hostile_sessions(&hub.sessions_dir());
    write_hostile_stubs(&hub.state.hub.config().stubs_dir);
    hub.refresh();
    (hub, sessions)
}

/// The page, its Content-Security-Policy, and what every HTML page must hold to.
async fn page(hub: &TestHub, uri: &str) -> String {
    let response = hub.get(uri).await;
    let status = response.status();
    assert!(status.is_success(), "{uri}: {status}");
    let headers = response.headers().clone();
    let html = body_text(response).await;
    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("{uri}: no nonce in {policy}"));
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    // Every script is the hub's: it carries this response's nonce.
    let scripts = html.matches("<script").count();
    let nonced = html.matches(&format!("<script nonce=\"{nonce}\"")).count()
        + html
            .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
            .count();
    assert!(scripts >= 1, "{uri}: the page has no hydration script");
    assert_eq!(scripts, nonced, "{uri}: a script without the nonce");
    // The title holds text only.
    let title = html
        .split("<title>")
        .nth(1)
        .and_then(|rest| rest.split("</title>").next())
        .unwrap_or_else(|| panic!("{uri}: no title"));
    assert!(
        !title.contains('<') && !title.contains('>'),
        "{uri}: title {title:?}"
    );
    assert_eq!(html.matches("<title>").count(), 1, "{uri}: one title");
    assert_eq!(html.matches("</title>").count(), 1, "{uri}: one title");
    html
}

/// No payload that holds markup appears in the page as it was written (but for the few that a
/// page without any session holds anyway, such as `</script><!--`).
fn assert_escaped(uri: &str, html: &str, payloads: &[(String, String)], clean_page: &str) {
    for (_, payload) in payloads {
        if payload.contains('<') && !clean_page.contains(payload.as_str()) {
            assert!(
                !html.contains(payload.as_str()),
                "{uri}: the payload {:?} is in the page unescaped",
                &payload[..payload.len().min(80)]
            );
        }
    }
    for tag in [
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<base",
        "<meta http-equiv",
        "<foreignObject",
    ] {
        assert!(!html.contains(tag), "{uri}: {tag} in the page");
    }
}

fn encode(value: &str) -> String {
    sessions_hub::domain::format::encode_query_value(value)
}

#[tokio::test]
async fn every_page_escapes_every_payload() {
    let (hub, sessions) = hostile_hub();
    let mut uris = vec![
        "/sessions?tab=monitor".to_owned(),
        "/sessions?tab=create".to_owned(),
        "/sessions?tab=monitor&status=blocked".to_owned(),
    ];
    for (id, payload) in &sessions {
        let detail = format!("/sessions?tab=monitor&session={}", encode(id));
        // A 100 KB agent id cannot be in a URL (the `http` crate stops at 64 KB, as proxies do).
        if payload.len() < 10_000 {
            uris.push(format!("{detail}&output={}", encode(payload)));
        }
        uris.push(format!("{detail}&output=agent-2"));
        uris.push(format!("{detail}&output=agent-2&path=out%2Fpayload.md"));
        uris.push(detail);
    }
    let clean_page = TestHub::new().get_text("/sessions?tab=monitor").await.1;
    for uri in &uris {
        let html = page(&hub, uri).await;
        assert_escaped(uri, &html, &sessions, &clean_page);
    }
}

#[tokio::test]
async fn the_title_of_a_deep_link_is_escaped_text() {
    let (hub, _) = hostile_hub();
    let id = "hostile-09";
    let html = page(&hub, &format!("/sessions?tab=monitor&session={id}")).await;
    assert!(
        // Led by the count of open questions ("(57) "): the hostile sessions ask them.
        html.contains(
            ") A &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; · Sessions Hub</title>"
        ) && html.contains("<title>("),
        "{}",
        &html[..html.find("</title>").unwrap() + 8]
    );
    // A 100 KB name does not make a 100 KB title.
    let long = html_title(&page(&hub, "/sessions?tab=monitor&session=hostile-57").await);
    assert!(long.chars().count() <= 130, "{}", long.len());
}

fn html_title(html: &str) -> String {
    html.split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_api_answers_hostile_sessions_as_json() {
    let (hub, sessions) = hostile_hub();
    let (status, text) = hub.get_text("/api/sessions").await;
    assert_eq!(status, StatusCode::OK);
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list["count"], sessions.len());
    for (id, payload) in &sessions {
        let (status, text) = hub
            .get_text(&format!("/api/sessions?id={}", encode(id)))
            .await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let detail: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(detail["session"]["feature_name"], payload.as_str());
        let question = &detail["session"]["questions"][0]["question"];
        if payload.len() < 60_000 {
            assert_eq!(question, payload.as_str(), "{id}");
        } else {
            // Past the question file cap (64 KiB): not read, and said so.
            assert!(question.is_null());
            assert!(detail["session"]["warnings"]
                .to_string()
                .contains("q-hostile.json"));
        }
    }
    let readable = sessions.iter().filter(|(_, p)| p.len() < 60_000).count();
    let (_, text) = hub.get_text("/api/questions?open=true").await;
    let open: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(open["questions"].as_array().unwrap().len(), readable);
}

/// The Markdown of a generated prompt, as a reader (or a model) sees its structure: the
/// headings and the code blocks, in order.
fn structure(markdown: &str) -> Vec<String> {
    use comrak::nodes::NodeValue;
    let arena = comrak::Arena::new();
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.tasklist = true;
    options.extension.autolink = true;
    let root = comrak::parse_document(&arena, markdown, &options);
    let mut found = Vec::new();
    for node in root.descendants() {
        match &node.data.borrow().value {
            NodeValue::Heading(heading) => found.push(format!("h{}", heading.level)),
            NodeValue::CodeBlock(block) => found.push(format!("code:{}", block.info)),
            NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_) => found.push("html".into()),
            NodeValue::Table(_) => found.push("table".into()),
            NodeValue::BlockQuote => found.push("quote".into()),
            NodeValue::List(_) => found.push("list".into()),
            NodeValue::ThematicBreak => found.push("hr".into()),
            // Links are inline (a URL in a description may autolink), images are not.
            NodeValue::Image(_) => found.push("image".into()),
            _ => {}
        }
    }
    found
}

async fn create(hub: &TestHub, feature: &str, role: &str) -> Value {
    let body = json!({
        "stub": {"id": "HOSTILE-1", "feature_name": feature, "description": feature},
        "instructions": [{"id": "b1", "type": "task", "content": "Keep **this** Markdown:\n\n- one\n- two"}],
        "attachments": [],
        "context_files": [],
        "agents": [
            {"agent_id": "agent-1", "role": role, "instructions": ["b1"], "attachments": [], "depends_on": []},
            {"agent_id": "agent-2", "role": role, "instructions": [], "attachments": [], "depends_on": ["agent-1"]}
        ]
    });
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/sessions/create")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = hub.send(request).await;
    let status = response.status();
    let text = body_text(response).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn generated_prompts_keep_hostile_text_inside_its_paragraph() {
    let hub = TestHub::new();
    let baseline = create(&hub, "Plain feature", "Plain role").await;
    let prompt_of = |answer: &Value, agent: &str| {
        fs::read_to_string(
            Path::new(answer["sessionPath"].as_str().unwrap())
                .join(format!("agent-prompts/{agent}.md")),
        )
        .unwrap()
    };
    let backbone_of = |answer: &Value| {
        fs::read_to_string(
            Path::new(answer["sessionPath"].as_str().unwrap()).join("context-backbone.md"),
        )
        .unwrap()
    };
    let expected: Vec<_> = ["agent-1", "agent-2"]
        .map(|agent| structure(&prompt_of(&baseline, agent)))
        .into();
    let expected_backbone = structure(&backbone_of(&baseline));
    // The author's instruction block keeps its own Markdown: a list.
    assert!(
        expected[0].contains(&"list".to_owned()),
        "{:?}",
        expected[0]
    );
    for payload in payloads() {
        if payload.len() > 10_000 || payload.trim().is_empty() {
            continue;
        }
        let answer = create(&hub, &payload, &payload).await;
        for (n, agent) in ["agent-1", "agent-2"].iter().enumerate() {
            let prompt = prompt_of(&answer, agent);
            assert_eq!(
                structure(&prompt),
                expected[n],
                "{payload:?} changed the structure of {agent}'s prompt:\n{prompt}"
            );
        }
        assert_eq!(
            structure(&backbone_of(&answer)),
            expected_backbone,
            "{payload:?} changed the structure of the backbone"
        );
        for line in answer["oneLiners"].as_array().unwrap() {
            let line = line["prompt"].as_str().unwrap();
            assert!(!line.contains(['\n', '\r', '\u{202E}']), "{line:?}");
        }
    }
}
