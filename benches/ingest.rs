//! Ingest budget (design.md): decode + fold chat events, ≥ 200,000 events/s on one core.
//! Run with `cargo bench --bench ingest`. Prints events per second for a realistic mix
//! (messages, replies, likes, edits, deletes across channels and DMs).

use std::time::Instant;
use vocechat_tui::model::ChatModel;
use vocechat_tui::sync::{Decoded, event::decode};

fn payloads(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n + 1);
    out.push(r#"{"type":"related_groups","groups":[{"gid":1,"name":"general","is_public":true,"members":[],"owner":null,"description":null,"avatar_updated_at":0,"pinned_messages":[]},{"gid":2,"name":"dev","is_public":false,"members":[1,2,3],"owner":2,"description":null,"avatar_updated_at":0,"pinned_messages":[]}]}"#.to_string());
    for i in 0..n as i64 {
        let mid = i + 1;
        let from = 1 + i % 5;
        let target = match i % 4 {
            0 | 1 => r#"{"gid":1}"#.to_string(),
            2 => r#"{"gid":2}"#.to_string(),
            _ => format!(r#"{{"uid":{}}}"#, if from == 1 { 2 } else { 1 }),
        };
        let detail = match i % 10 {
            7 if mid > 3 => format!(
                r#"{{"type":"reaction","mid":{},"detail":{{"type":"like","action":"👍"}}}}"#,
                mid - 3
            ),
            8 if mid > 5 => format!(
                r#"{{"type":"reply","mid":{},"content_type":"text/plain","content":"re: ok","properties":null}}"#,
                mid - 5
            ),
            9 if mid > 7 => format!(
                r#"{{"type":"reaction","mid":{},"detail":{{"type":"edit","content_type":"text/plain","content":"edited text","properties":null}}}}"#,
                mid - 7
            ),
            _ => format!(
                r#"{{"type":"normal","content_type":"text/plain","content":"message number {mid} with some ordinary length text @1 ","properties":{{"local_id":{mid},"mentions":[1]}},"expires_in":null}}"#
            ),
        };
        out.push(format!(r#"{{"type":"chat","mid":{mid},"from_uid":{from},"created_at":{},"target":{target},"detail":{detail}}}"#, 1_700_000_000_000i64 + mid * 1000));
    }
    out
}

fn main() {
    let n = 200_000;
    let input = payloads(n);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut model = ChatModel::new(1);
        for p in &input {
            if let Decoded::Event(ev) = decode(p) {
                model.apply(*ev);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        assert!(model.after_mid == Some(n as i64));
    }
    println!(
        "ingest: {n} chat events decoded and folded in {:.3} s (best of 5) = {:.0} events/s",
        best,
        n as f64 / best
    );
}
