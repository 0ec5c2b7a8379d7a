//! Questions through the HTTP API: asked, listed, shown on the agent and the session, answered
//! once (the first answer wins, even among 20 at once), waited for with a long-poll, and every
//! bad request refused with nothing written.

use crate::store::write_session;
use crate::support::TestHub;
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ROSTER: &str = r#"{"feature_name": "Q", "agents": [
    {"agent_id": "agent-1", "status": "in_progress"},
    {"agent_id": "agent-2", "status": "complete", "depends_on": ["agent-1"]}]}"#;

fn hub() -> TestHub {
    let hub = TestHub::new();
    write_session(&hub.sessions_dir(), "s", ROSTER);
    hub.refresh();
    hub
}

async fn ask(hub: &TestHub, body: Value) -> (StatusCode, Value) {
    hub.post_json("/api/sessions/s/questions", body).await
}

fn question_files(hub: &TestHub) -> Vec<String> {
    match std::fs::read_dir(hub.sessions_dir().join("s/questions")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn a_question_is_listed_shown_on_its_agent_and_answered_once() {
    let hub = hub();
    let (status, asked) = ask(
        &hub,
        json!({"agent_id": "agent-1", "question": "  Which database?  ", "choices": ["SQLite", "Postgres"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    let question = &asked["question"];
    let id = question["id"].as_str().unwrap().to_owned();
    assert_eq!(question["question"], "Which database?");
    assert_eq!(question["choices"], json!(["SQLite", "Postgres"]));
    assert!(question.get("answer").is_none());
    assert_eq!(question_files(&hub), [format!("{id}.json")]);

    let (_, open) = hub.get_json("/api/questions?open=true").await;
    assert_eq!(open["questions"][0]["id"], id.as_str());
    assert_eq!(open["questions"][0]["session_id"], "s");
    assert_eq!(open["questions"][0]["feature_name"], "Q");

    let (_, detail) = hub.get_json("/api/sessions?id=s").await;
    let session = &detail["session"];
    assert_eq!(session["open_questions"], 1);
    assert_eq!(session["aggregation"]["needs_input"], 1);
    assert_eq!(session["agents"][0]["needs_input"], true);
    assert_eq!(session["agents"][1]["needs_input"], false);
    assert_eq!(session["questions"][0]["id"], id.as_str());
    let (_, list) = hub.get_json("/api/sessions").await;
    assert_eq!(list["sessions"][0]["aggregation"]["needs_input"], 1);

    let answer_uri = format!("/api/sessions/s/questions/{id}/answer");
    let (status, wrong) = hub.post_json(&answer_uri, json!({"answer": "MySQL"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        wrong["error"]
            .as_str()
            .unwrap()
            .contains("SQLite, Postgres"),
        "{wrong}"
    );
    let (status, answered) = hub
        .post_json(&answer_uri, json!({"answer": "Postgres"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["question"]["answer"], "Postgres");
    assert_eq!(answered["question"]["answered_by"], "api");
    assert!(answered["question"]["answered_at"].is_string());
    let (status, second) = hub
        .post_json(&answer_uri, json!({"answer": "SQLite"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{second}");

    let (_, read) = hub
        .get_json(&format!("/api/sessions/s/questions/{id}"))
        .await;
    assert_eq!(
        read["question"]["answer"], "Postgres",
        "the first answer stands"
    );
    let (_, open) = hub.get_json("/api/questions?open=true").await;
    assert_eq!(open["questions"], json!([]));
    let (_, all) = hub.get_json("/api/questions?session=s").await;
    assert_eq!(all["questions"][0]["answer"], "Postgres");
    let (_, detail) = hub.get_json("/api/sessions?id=s").await;
    assert_eq!(detail["session"]["aggregation"]["needs_input"], 0);
    assert_eq!(detail["session"]["agents"][0]["needs_input"], false);
}

#[tokio::test]
async fn bad_questions_and_answers_are_refused_and_write_nothing() {
    let hub = hub();
    for (body, status, says) in [
        (
            json!({"agent_id": "agent-1", "question": "   "}),
            400,
            "empty",
        ),
        (
            json!({"agent_id": "nobody", "question": "?"}),
            404,
            "no agent",
        ),
        (
            json!({"agent_id": "agent-1", "question": "?", "choices": ["a", "a"]}),
            400,
            "twice",
        ),
        (
            json!({"agent_id": "agent-1", "question": "x".repeat(2001)}),
            400,
            "longer",
        ),
        (json!({"question": "?"}), 400, "agent_id"),
    ] {
        let (got, answer) = ask(&hub, body.clone()).await;
        assert_eq!(got.as_u16(), status, "{body} -> {answer}");
        assert!(answer["error"].as_str().unwrap().contains(says), "{answer}");
    }
    let (got, _) = hub
        .post_json(
            "/api/sessions/nope/questions",
            json!({"agent_id": "agent-1", "question": "?"}),
        )
        .await;
    assert_eq!(got, StatusCode::NOT_FOUND);
    assert!(question_files(&hub).is_empty());

    let (_, asked) = ask(&hub, json!({"agent_id": "agent-1", "question": "Go?"})).await;
    let id = asked["question"]["id"].as_str().unwrap().to_owned();
    let before = std::fs::read(hub.sessions_dir().join(format!("s/questions/{id}.json"))).unwrap();
    for (uri, body, status) in [
        (
            format!("/api/sessions/s/questions/{id}/answer"),
            json!({"answer": " "}),
            400,
        ),
        (
            format!("/api/sessions/s/questions/{id}/answer"),
            json!({}),
            400,
        ),
        (
            "/api/sessions/s/questions/q-404/answer".to_owned(),
            json!({"answer": "y"}),
            404,
        ),
        (
            "/api/sessions/s/questions/..%2Fx/answer".to_owned(),
            json!({"answer": "y"}),
            400,
        ),
    ] {
        let (got, answer) = hub.post_json(&uri, body).await;
        assert_eq!(got.as_u16(), status, "{uri} -> {answer}");
    }
    let after = std::fs::read(hub.sessions_dir().join(format!("s/questions/{id}.json"))).unwrap();
    assert_eq!(before, after);
    let (got, _) = hub.get_json("/api/sessions/s/questions/q-404").await;
    assert_eq!(got, StatusCode::NOT_FOUND);
    let (got, _) = hub
        .get_json(&format!("/api/sessions/s/questions/{id}?wait=soon"))
        .await;
    assert_eq!(got, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_twenty_answers_at_once_exactly_one_wins() {
    let hub = std::sync::Arc::new(hub());
    let (_, asked) = ask(
        &hub,
        json!({"agent_id": "agent-1", "question": "Who wins?"}),
    )
    .await;
    let id = asked["question"]["id"].as_str().unwrap().to_owned();
    let answers = (0..20)
        .map(|n| {
            let (hub, id) = (hub.clone(), id.clone());
            tokio::spawn(async move {
                let uri = format!("/api/sessions/s/questions/{id}/answer");
                let (status, body) = hub
                    .post_json(&uri, json!({"answer": format!("answer {n}")}))
                    .await;
                (status, body)
            })
        })
        .collect::<Vec<_>>();
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for answer in answers {
        let (status, body) = answer.await.unwrap();
        match status {
            StatusCode::OK => winners.push(body["question"]["answer"].as_str().unwrap().to_owned()),
            StatusCode::CONFLICT => conflicts += 1,
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(conflicts, 19);
    let file = std::fs::read(hub.sessions_dir().join(format!("s/questions/{id}.json"))).unwrap();
    let on_disk: Value = serde_json::from_slice(&file).expect("the file is whole");
    assert_eq!(on_disk["answer"], winners[0].as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_poll_returns_as_soon_as_the_answer_lands() {
    let hub = std::sync::Arc::new(hub());
    let (_, asked) = ask(&hub, json!({"agent_id": "agent-1", "question": "Now?"})).await;
    let id = asked["question"]["id"].as_str().unwrap().to_owned();

    let started = Instant::now();
    let (_, unanswered) = hub
        .get_json(&format!("/api/sessions/s/questions/{id}?wait=300ms"))
        .await;
    assert!(started.elapsed() >= Duration::from_millis(290));
    assert!(unanswered["question"].get("answer").is_none());

    let waiter = {
        let (hub, id) = (hub.clone(), id.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let (status, body) = hub
                .get_json(&format!("/api/sessions/s/questions/{id}?wait=30s"))
                .await;
            (status, body, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, _) = hub
        .post_json(
            &format!("/api/sessions/s/questions/{id}/answer"),
            json!({"answer": "yes", "answered_by": "ana"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body, waited) = waiter.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["question"]["answer"], "yes");
    assert_eq!(body["question"]["answered_by"], "ana");
    assert!(
        waited < Duration::from_secs(5),
        "woken by the answer, not the timeout: {waited:?}"
    );
}

#[tokio::test]
async fn a_question_file_written_by_hand_is_read_and_a_broken_one_warned_about() {
    let hub = hub();
    let questions = hub.sessions_dir().join("s/questions");
    std::fs::create_dir_all(&questions).unwrap();
    std::fs::write(
        questions.join("q-hand.json"),
        r#"{"id": "q-hand", "agent_id": "agent-2", "question": "<b>bold?</b>", "asked_at": "2026-12-01T10:00:00Z", "x-tool": 1}"#,
    )
    .unwrap();
    std::fs::write(questions.join("q-broken.json"), "{ not json").unwrap();
    std::fs::write(
        questions.join("q-liar.json"),
        r#"{"id": "q-other", "agent_id": "agent-2", "question": "?", "asked_at": "t"}"#,
    )
    .unwrap();
    hub.refresh();
    let (_, detail) = hub.get_json("/api/sessions?id=s").await;
    let session = &detail["session"];
    assert_eq!(session["open_questions"], 1);
    assert_eq!(session["questions"][0]["question"], "<b>bold?</b>");
    assert_eq!(
        session["questions"][0]["x-tool"], 1,
        "unknown fields are kept"
    );
    let warnings = session["warnings"].to_string();
    assert!(warnings.contains("q-broken.json"), "{warnings}");
    assert!(warnings.contains("q-liar.json"), "{warnings}");
}
