//! Keeps the demo server honest: its answers must have the same shapes, status codes and
//! error bodies as the real VoceChat 0.3.3 recorded in `../shared/fixtures/vocechat-0.3.3/`.
//! (Skipped with a note when the fixtures are not beside the repo.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use vocechat_tui::app::conn::SyncMsg;
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::types::*;
use vocechat_tui::runtime::sync::Cursor;

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/vocechat-0.3.3");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "fixtures not found at {}; fidelity checks skipped",
            dir.display()
        );
        None
    }
}

fn exchange(name: &str) -> Value {
    let path = fixtures().unwrap().join("http").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Compares the structure of two JSON values: the same object keys everywhere, the same
/// scalar kinds where both sides are non-null. Arrays compare their first elements;
/// message `properties` (client-defined) compare by kind only.
fn same_shape(real: &Value, ours: &Value, at: &str) -> Result<(), String> {
    if at.ends_with(".properties") {
        // Client-defined keys: only the kind (object or null) is the server's.
        return if real.is_null() || ours.is_null() || real.is_object() == ours.is_object() {
            Ok(())
        } else {
            Err(format!("{at}: kinds differ"))
        };
    }
    match (real, ours) {
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (Value::Object(a), Value::Object(b)) => {
            let ka: Vec<&String> = a.keys().collect();
            let kb: Vec<&String> = b.keys().collect();
            if ka != kb {
                return Err(format!("{at}: keys differ: real {ka:?} vs demo {kb:?}"));
            }
            for (k, v) in a {
                same_shape(v, &b[k], &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) => match (a.first(), b.first()) {
            (Some(x), Some(y)) => same_shape(x, y, &format!("{at}[0]")),
            _ => Ok(()),
        },
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_)) => Ok(()),
        _ => Err(format!("{at}: kinds differ: real {real} vs demo {ours}")),
    }
}

async fn raw(
    server: &vocechat_tui::demo::DemoServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    ct: Option<&str>,
    body: &str,
) -> (u16, Option<String>, String) {
    let client = reqwest::Client::new();
    let url = format!("{}{}", server.base_url(), path);
    let mut req = client
        .request(method.parse().unwrap(), url)
        .header("Referer", format!("{}/", server.base_url()));
    if let Some(t) = token {
        req = req.header("X-API-Key", t);
    }
    if let Some(ct) = ct {
        req = req.header("Content-Type", ct);
    }
    let resp = req.body(body.to_string()).send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    (status, ct, resp.text().await.unwrap())
}

#[tokio::test]
async fn rest_answers_match_the_real_server() {
    if fixtures().is_none() {
        return;
    }
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let token = api.access_token().await.unwrap();

    // Login answer.
    let (status, _, body) = raw(&server, "POST", "/api/token/login", None, Some("application/json"),
        &serde_json::json!({"credential":{"type":"password","email":ADMIN.0,"password":ADMIN.1},"device":"tui:z"}).to_string()).await;
    assert_eq!(status, 200);
    let real = &exchange("011_login_admin_device_a.json")["response"]["body"];
    same_shape(real, &serde_json::from_str(&body).unwrap(), "login").unwrap();

    // Users and groups.
    let (_, _, body) = raw(&server, "GET", "/api/user", None, None, "").await;
    same_shape(
        &exchange("019_users_list_no_auth.json")["response"]["body"],
        &serde_json::from_str(&body).unwrap(),
        "users",
    )
    .unwrap();
    let (_, _, body) = raw(&server, "GET", "/api/group", Some(&token), None, "").await;
    same_shape(
        &exchange("037_group_list.json")["response"]["body"],
        &serde_json::from_str(&body).unwrap(),
        "groups",
    )
    .unwrap();

    // Error bodies and statuses, byte for byte.
    for (file, method, path, tok, ct, body) in [
        (
            "023_user_me_bad_token.json",
            "GET",
            "/api/user/me",
            Some("garbage"),
            None,
            "",
        ),
        (
            "045_send_markdown_with_charset.json",
            "POST",
            "/api/group/1/send",
            Some(token.as_str()),
            Some("text/markdown; charset=utf-8"),
            "x",
        ),
        (
            "046_send_without_content_type.json",
            "POST",
            "/api/group/1/send",
            Some(token.as_str()),
            None,
            "x",
        ),
        (
            "026_users_list_trailing_slash.json",
            "GET",
            "/api/user/",
            None,
            None,
            "",
        ),
        (
            "040_group_get_unknown.json",
            "GET",
            "/api/group/999",
            None,
            None,
            "",
        ),
        (
            "049_send_group_unknown.json",
            "POST",
            "/api/group/999/send",
            Some(token.as_str()),
            Some("text/plain"),
            "x",
        ),
    ] {
        let real = exchange(file);
        let (status, content_type, text) = raw(&server, method, path, tok, ct, body).await;
        assert_eq!(
            status as u64,
            real["response"]["status"].as_u64().unwrap(),
            "{file}"
        );
        let real_body = &real["response"]["body"];
        let expected = real_body.as_str().map(str::to_string).unwrap_or_default();
        assert_eq!(text, expected, "{file}");
        assert_eq!(
            content_type.is_some(),
            real["response"]["headers"].get("content-type").is_some(),
            "{file}: content-type presence"
        );
    }

    // Version is text/plain.
    let (_, ct, text) = raw(&server, "GET", "/api/admin/system/version", None, None, "").await;
    assert_eq!(
        (ct.as_deref(), text.as_str()),
        (Some("text/plain; charset=utf-8"), "0.3.3")
    );

    // History items are chat messages without "type".
    api.send(
        Target::Group { gid: 1 },
        &Content::Text("x".into()),
        &Properties::with_local_id(1),
    )
    .await
    .unwrap();
    let (_, _, body) = raw(
        &server,
        "GET",
        "/api/group/1/history?limit=3",
        Some(&token),
        None,
        "",
    )
    .await;
    same_shape(
        &exchange("124_group_history_public.json")["response"]["body"],
        &serde_json::from_str(&body).unwrap(),
        "history",
    )
    .unwrap();

    // Upload answers: null for a middle chunk, the stored file after the last.
    let id = api
        .file_prepare(Some("image/png"), Some("p.png"))
        .await
        .unwrap();
    assert_eq!(id.len(), 36);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x18\0\0\0\x10rest".to_vec();
    api.file_upload_chunk(&id, png[..10].to_vec().into(), false)
        .await
        .unwrap();
    let last = api
        .file_upload_chunk(&id, png[10..].to_vec().into(), true)
        .await
        .unwrap()
        .unwrap();
    let real = &exchange("054_file_image_upload_chunk2_last.json")["response"]["body"];
    same_shape(real, &serde_json::to_value(&last).unwrap(), "upload").unwrap();
    assert_eq!(
        last.image_properties,
        Some(ImageProperties {
            width: 24,
            height: 16
        })
    );
}

#[tokio::test]
async fn stream_events_match_the_real_server() {
    let Some(dir) = fixtures() else { return };
    // One real example of each event type (and of each chat detail kind).
    let mut real: BTreeMap<String, Value> = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("sse")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                if let Some(data) = line.strip_prefix("data: ") {
                    let v: Value = serde_json::from_str(data).unwrap();
                    real.entry(kind_of(&v)).or_insert(v);
                }
            }
        }
    }
    let server = server().await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let admin_b = login(&server, ADMIN, "tui:b").await;
    let bob = login(&server, BOB, "tui:b").await;
    let mut s = stream(&admin, Cursor::default(), fast_sync());
    let mut seen = s.until_live().await;
    // Produce a bit of everything.
    let _bob_stream = stream(&bob, Cursor::default(), fast_sync());
    admin
        .create_group(&NewGroup {
            name: "new".into(),
            description: None,
            members: vec![2],
            is_public: false,
        })
        .await
        .unwrap();
    let mut props = Properties::with_local_id(5);
    props.mentions = vec![2];
    let m = bob
        .send(
            Target::Group { gid: 2 },
            &Content::Text("hi @1 ".into()),
            &props,
        )
        .await
        .unwrap();
    bob.like(m, "👍").await.unwrap();
    bob.edit(m, &Content::Text("hi".into()), &Properties::default())
        .await
        .unwrap();
    bob.reply(m, &Content::Text("re".into()), &Properties::default())
        .await
        .unwrap();
    let last = bob.delete_message(m).await.unwrap();
    admin_b
        .read_index(&[], &[GroupReadIndex { gid: 2, mid: m }])
        .await
        .unwrap();
    seen.extend(s.until(Duration::from_secs(5), |msg| {
        matches!(msg, SyncMsg::Event(e) if matches!(&**e, ServerEvent::UserSettingsChanged(_)))
    }).await);
    let mut compared = 0;
    let mut reached_last = false;
    for e in events(&seen) {
        if let ServerEvent::Chat(c) = &e {
            reached_last |= c.mid == last;
        }
        let ours = serde_json::to_value(&e).unwrap();
        if let Some(r) = real.get(&kind_of(&ours)) {
            same_shape(r, &ours, &kind_of(&ours)).unwrap();
            compared += 1;
        }
    }
    assert!(reached_last);
    assert!(compared >= 12, "compared {compared} events");
}

/// `type` plus, for chat, the detail kind, the reaction kind and the target kind.
fn kind_of(v: &Value) -> String {
    let mut k = v["type"].as_str().unwrap_or("").to_string();
    if k == "chat" {
        k.push('/');
        k.push_str(v["detail"]["type"].as_str().unwrap_or(""));
        if let Some(r) = v["detail"]["detail"]["type"].as_str() {
            k.push('/');
            k.push_str(r);
        }
        k.push_str(if v["target"].get("gid").is_some() {
            "@group"
        } else {
            "@user"
        });
    }
    k
}

/// Registration answers as the recorded 0.3.3 server did: a `LoginResponse` of the same shape
/// (017), a taken name silently given four digits (030), and the same statuses for the rest.
#[tokio::test]
async fn registration_answers_match_the_real_server() {
    if fixtures().is_none() {
        return;
    }
    let server = server().await;
    // A client first: it installs the TLS provider the raw requests' client needs.
    login(&server, ADMIN, "tui:a").await;
    for (file, expect_name) in [
        ("017_register_carol.json", None),
        ("030_register_dave_name_clash.json", Some("bob")),
    ] {
        let real = exchange(file);
        let mut body = real["request"]["body"].clone();
        // This demo's cast already has carol: the recorded request with an address (and for
        // 017 a name) of its own.
        body["email"] = format!("new-{file}@example.com").into();
        if expect_name.is_none() {
            body["name"] = "newcomer".into();
        }
        let (status, ct, text) = raw(
            &server,
            "POST",
            "/api/user/register",
            None,
            Some("application/json"),
            &body.to_string(),
        )
        .await;
        assert_eq!(status, 200, "{file}: {text}");
        assert_eq!(ct.as_deref(), Some("application/json; charset=utf-8"));
        let ours: Value = serde_json::from_str(&text).unwrap();
        same_shape(&real["response"]["body"], &ours, file).unwrap();
        let name = ours["user"]["name"].as_str().unwrap();
        match expect_name {
            None => assert_eq!(name, body["name"].as_str().unwrap()),
            Some(taken) => {
                let digits = name.strip_prefix(taken).unwrap();
                assert!(
                    digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()),
                    "{name}"
                );
            }
        }
    }
    // A token the server never made: 412 with an empty body; `check_magic_token` a bare false.
    let (status, _, text) = raw(
        &server,
        "POST",
        "/api/user/register",
        None,
        Some("application/json"),
        r#"{"magic_token":"nope","email":"z@example.com","password":"p","name":"z"}"#,
    )
    .await;
    assert_eq!((status, text.as_str()), (412, ""));
    let (status, _, text) = raw(
        &server,
        "POST",
        "/api/user/check_magic_token",
        None,
        Some("application/json"),
        r#"{"magic_token":"nope"}"#,
    )
    .await;
    assert_eq!((status, text.as_str()), (200, "false"));
    // A taken e-mail (any case): 409 with the reason as JSON.
    let (status, _, text) = raw(
        &server,
        "POST",
        "/api/user/register",
        None,
        Some("application/json"),
        r#"{"email":"BOB@example.com","password":"p","name":"b"}"#,
    )
    .await;
    assert_eq!(
        (status, serde_json::from_str::<Value>(&text).unwrap()),
        (409, serde_json::json!({"reason": "email_conflict"}))
    );
}
