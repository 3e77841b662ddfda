//! Forwarding as 0.3.3 does it (protocol §4.10), against the demo server over loopback and
//! checked against the recorded exchanges `082`–`085`: an archive made of messages you can
//! see (the current, edited content; files as attachments), sent as a `vocechat/archive`
//! message, read back without auth; the refusals (403, 400, 404).

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
use std::path::PathBuf;
use vocechat_tui::protocol::types::*;
use vocechat_tui::runtime::api::{ApiClient, ApiError};

fn exchange(name: &str) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/vocechat-0.3.3/http")
        .join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

/// The same object keys at every level (arrays by their first element; `properties` are the
/// client's).
fn same_keys(real: &Value, ours: &Value, at: &str) {
    match (real, ours) {
        (Value::Object(a), Value::Object(b)) if !at.ends_with("properties") => {
            let ka: Vec<&String> = a.keys().collect();
            let kb: Vec<&String> = b.keys().collect();
            assert_eq!(ka, kb, "{at}");
            for k in a.keys() {
                same_keys(&a[k], &b[k], &format!("{at}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if let (Some(x), Some(y)) = (a.first(), b.first()) {
                same_keys(x, y, &format!("{at}[0]"));
            }
        }
        _ => {}
    }
}

/// The recorded archive decodes: authors by index, a file as an attachment index with no
/// content, how many attachments it has.
#[test]
fn the_recorded_archive_decodes() {
    let Some(real) = exchange("084_archive_get.json") else {
        eprintln!("fixtures not found; skipped");
        return;
    };
    let archive: Archive = serde_json::from_value(real["response"]["body"].clone()).unwrap();
    assert_eq!(archive.num_attachments, 2);
    assert_eq!(
        archive
            .users
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        ["carol", "bob"]
    );
    let [text, file] = archive.messages.as_slice() else {
        panic!("two messages");
    };
    assert_eq!(
        (text.content.as_deref(), text.from_user, text.file_id),
        (Some("**release** notes: `v0.3.3`"), 0, None)
    );
    assert_eq!(
        ContentKind::parse(&text.content_type),
        ContentKind::Markdown
    );
    assert_eq!(
        (file.content.as_deref(), file.file_id, file.thumbnail_id),
        (None, Some(0), Some(1))
    );
    assert_eq!(file.source, Target::Group { gid: 2 });
    let facts = FileProperties::from_properties(file.properties.as_ref());
    assert_eq!(facts.name.as_deref(), Some("pixel.png"));
    // A hostile or truncated shape is an error, never a panic.
    for bad in [
        serde_json::json!({"messages": [{"mid": "x"}]}),
        serde_json::json!([1, 2]),
    ] {
        assert!(serde_json::from_value::<Archive>(bad).is_err());
    }
    // Missing keys default.
    let empty: Archive = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(empty, Archive::default());
}

/// Forward: the archive of an edited text and a file, sent to the lobby; anyone reads it by
/// its path without logging in, with the edited text and the file as attachment 0; its shape
/// is the recorded one.
#[tokio::test]
async fn a_forward_is_an_archive_sent_as_a_message() {
    let server = server().await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let dev = Target::Group { gid: 2 };
    let text = admin
        .send(dev, &Content::Text("draft".into()), &Properties::default())
        .await
        .unwrap();
    admin
        .edit(text, &Content::Text("final".into()), &Properties::default())
        .await
        .unwrap();
    let id = admin
        .file_prepare(Some("text/plain"), Some("notes.txt"))
        .await
        .unwrap();
    let stored = admin
        .file_upload_chunk(&id, bytes::Bytes::from_static(b"hello file"), true)
        .await
        .unwrap()
        .unwrap();
    let file = admin
        .send(
            dev,
            &Content::File { path: stored.path },
            &Properties::default(),
        )
        .await
        .unwrap();
    let path = admin.create_archive(&[text, file]).await.unwrap();
    assert_eq!(path.split('/').count(), 4, "Y/M/D/uuid: {path}");
    let mid = admin
        .send(
            Target::Group { gid: 1 },
            &Content::Archive(path.clone()),
            &Properties::default(),
        )
        .await
        .unwrap();
    let history = admin
        .history(Target::Group { gid: 1 }, None, 10)
        .await
        .unwrap();
    let sent = history.iter().find(|m| m.mid == mid).unwrap();
    let MessageDetail::Normal {
        content_type,
        content,
        ..
    } = &sent.detail
    else {
        panic!("a normal message");
    };
    assert_eq!(
        (content_type.as_str(), content.as_str()),
        ("vocechat/archive", path.as_str())
    );
    // Read without a session.
    let anyone = ApiClient::new(&server.base_url()).unwrap();
    let archive = anyone.archive(&path).await.unwrap();
    assert_eq!(archive.num_attachments, 1);
    let [m1, m2] = archive.messages.as_slice() else {
        panic!("two messages");
    };
    assert_eq!((m1.mid, m1.content.as_deref()), (text, Some("final")));
    assert_eq!(archive.users[m1.from_user].name, "admin");
    assert_eq!(
        (m2.mid, m2.content.as_deref(), m2.file_id),
        (file, None, Some(0))
    );
    let bytes = reqwest::get(format!(
        "{}/api/resource/archive/attachment?file_path={}&attachment_id=0",
        server.base_url(),
        path
    ))
    .await
    .unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), b"hello file");
    if let Some(real) = exchange("084_archive_get.json") {
        same_keys(
            &real["response"]["body"],
            &serde_json::to_value(&archive).unwrap(),
            "archive",
        );
    }
    // The one-call forward does both steps.
    let again = admin
        .forward(&[text], Target::User { uid: 2 })
        .await
        .unwrap();
    assert!(again > mid);
}

/// What 0.3.3 refuses: a message you cannot see (403), one that is not text, markdown or a
/// file (400: a like), an unknown mid (404), an unknown archive path (404). An archive sent
/// to a user who does not exist is stored anyway (pitfall 26).
#[tokio::test]
async fn forward_refusals_are_the_servers() {
    let server = server().await;
    let bob = login(&server, BOB, "tui:b").await;
    let carol = login(&server, CAROL, "tui:c").await;
    let secret = carol
        .send(
            Target::Group { gid: 2 },
            &Content::Text("x".into()),
            &Properties::default(),
        )
        .await;
    assert!(secret.is_err(), "carol is not in dev");
    let in_dev = bob
        .send(
            Target::Group { gid: 2 },
            &Content::Text("dev only".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    assert!(matches!(
        carol.create_archive(&[in_dev]).await,
        Err(ApiError::Forbidden(_))
    ));
    assert!(matches!(
        carol.forward(&[in_dev], Target::Group { gid: 1 }).await,
        Err(ApiError::Forbidden(_))
    ));
    let like = bob.like(in_dev, "👍").await.unwrap();
    assert!(matches!(
        bob.create_archive(&[in_dev, like]).await,
        Err(ApiError::BadRequest(_))
    ));
    assert!(matches!(
        bob.create_archive(&[999_999]).await,
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        bob.archive("2026/1/1/nothing-here").await,
        Err(ApiError::NotFound(_))
    ));
    // The admin sees every message.
    let admin = login(&server, ADMIN, "tui:a").await;
    let in_secret = carol
        .send(
            Target::Group { gid: 3 },
            &Content::Text("secret".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    let path = admin.create_archive(&[in_secret]).await.unwrap();
    admin
        .send(
            Target::User { uid: 4242 },
            &Content::Archive(path),
            &Properties::default(),
        )
        .await
        .unwrap();
}
