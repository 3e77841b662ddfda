//! `GET /api/resource/open_graphic_parse?url=<url>` as 0.3.3 answers it (no token): the
//! demo never goes out to the network, so it answers from a small table of example pages
//! ([`PAGES`], one of them hostile, for tests), with the all-empty object the real server
//! gives for a page it cannot fetch for any other URL, and a 400 for an empty `url`.

use super::{Resp, json_ok, text};
use crate::protocol::open_graph::OpenGraph;
use axum::extract::Query;
use std::collections::HashMap;

/// The pages the demo knows: (URL, site name, title, description).
pub const PAGES: &[(&str, &str, &str, &str)] = &[
    (
        "https://example.com/",
        "Example",
        "Example Domain",
        "This domain is for use in illustrative examples in documents.",
    ),
    (
        "https://voce.chat/",
        "VoceChat",
        "VoceChat: a self-hosted chat server",
        "A small chat server you run yourself.\nIt runs on a Raspberry Pi.",
    ),
    (
        "https://docs.example.org/guide",
        "Example Docs",
        "The guide",
        "Everything, step by step.",
    ),
];

/// A page whose tags try everything: escape sequences, newlines and a 1 MB title.
pub const HOSTILE_PAGE: &str = "https://hostile.example/";

fn page(url: &str) -> OpenGraph {
    if url == HOSTILE_PAGE {
        return OpenGraph {
            kind: Some("website".into()),
            site_name: Some("\u{1b}]0;owned\u{7}Hostile\u{1b}[2J site".into()),
            title: Some(format!("\u{1b}[31m{}", "T".repeat(1 << 20))),
            description: Some("\r\nline one \u{9b}1mbold\nline two".into()),
            url: Some(url.into()),
            ..OpenGraph::default()
        };
    }
    match PAGES.iter().find(|(u, ..)| *u == url) {
        Some((u, site, title, description)) => OpenGraph {
            kind: Some("website".into()),
            site_name: Some((*site).into()),
            title: Some((*title).into()),
            description: Some((*description).into()),
            url: Some((*u).into()),
            locale: Some("en_US".into()),
            ..OpenGraph::default()
        },
        None => OpenGraph::unreachable(),
    }
}

pub(super) async fn open_graphic_parse(Query(q): Query<HashMap<String, String>>) -> Resp {
    match q.get("url").map(String::as_str) {
        None | Some("") => text(400, "url is empty"),
        Some(url) => json_ok(&page(url)),
    }
}
