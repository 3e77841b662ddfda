//! The linear mode's `/pins` (issue 23): a channel's pinned messages said as lines, newest pin
//! first, each numbered like a message so `/goto <n>` goes to it in the timeline.
//!
//! Reads the `App`; the numbers given are the transcript's (`linear.rs`).

use super::Transcript;
use crate::app::{App, PinnedView, strings};
use crate::present::person;

/// At most this many characters of a pinned message's first line are said.
const ROOM: usize = 400;

impl Transcript {
    /// The pins of the view's channel: a heading, then each pin numbered.
    pub fn pinned(&mut self, app: &App, view: &PinnedView) -> Vec<String> {
        let key = view.key();
        let label = app.conv_label(key);
        let rows = app.pin_rows(key, ROOM);
        if rows.is_empty() {
            return vec![strings::no_pins(&label)];
        }
        let mut out = vec![format!("pinned in {label}: {}", rows.len())];
        for r in &rows {
            let number = self.number(app.focused, key, r.mid);
            let when = crate::timefmt::format(r.at, app.settings.utc, "%Y-%m-%d %H:%M");
            let who = match r.author {
                Some(uid) => person(&app.chat, uid, 40),
                None => format!("pinned by {}", person(&app.chat, r.pinned_by, 40)),
            };
            out.push(format!("{number} {who} {when}: {}", r.text));
        }
        self.last_conv = None;
        out.push("/goto <number> opens one where it was said".into());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::conn::SyncMsg;
    use crate::app::{Act, Msg, Settings, update};
    use crate::config::Config;
    use crate::keymap::{Keymap, Preset};
    use crate::model::ConvKey;
    use crate::protocol::ServerEvent;
    use serde_json::json;

    fn event(app: &mut App, v: serde_json::Value) {
        let ev: ServerEvent = serde_json::from_value(v).unwrap();
        update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
    }

    /// The lobby (1) with bob's messages 1 to 3, open; users ada (you) and bob.
    fn lobby() -> App {
        let mut settings = Settings::from(&Config::default());
        settings.utc = true;
        let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
        event(
            &mut app,
            json!({"type":"users_snapshot","version":1,"users":[{"uid":1,"name":"ada"},{"uid":2,"name":"bob"}]}),
        );
        event(
            &mut app,
            json!({"type":"related_groups","groups":[
                {"gid":1,"name":"lobby","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}]}),
        );
        for mid in 1..=3 {
            event(
                &mut app,
                json!({"type":"chat","mid":mid,"from_uid":2,"created_at":1_795_338_000_000i64 + mid * 60_000,
                    "target":{"gid":1},"detail":{"type":"normal","content_type":"text/plain","content":format!("message {mid}")}}),
            );
        }
        event(&mut app, json!({"type":"ready"}));
        app
    }

    fn pin(app: &mut App, mid: i64, minutes: i64, content: &str) {
        event(
            app,
            json!({"type":"pinned_message_updated","gid":1,"mid":mid,"msg":{"mid":mid,"created_by":1,
                "created_at":1_795_338_000_000i64 + minutes * 60_000,"properties":null,
                "content_type":"text/plain","content":content}}),
        );
    }

    #[test]
    fn pins_are_said_numbered_newest_first_and_goto_goes_to_one() {
        let mut app = lobby();
        let view = PinnedView::new(1);
        let mut t = Transcript::default();
        assert_eq!(t.pinned(&app, &view), vec!["nothing is pinned in #lobby"]);
        pin(&mut app, 2, 10, "message 2");
        pin(&mut app, 900, 20, "gone\u{1b}[2J rule\nline two");
        let said = t.pinned(&app, &view);
        assert_eq!(said[0], "pinned in #lobby: 2");
        assert!(
            said[1].ends_with(" pinned by ada 2026-11-22 09:20: gone rule"),
            "{said:?}"
        );
        assert!(
            said[2].ends_with(" bob 2026-11-22 09:02: message 2"),
            "{said:?}"
        );
        assert!(said[3].starts_with("/goto"));
        let n: u64 = said[2].split(' ').next().unwrap().parse().unwrap();
        let (account, key, mid) = t.numbered(n).unwrap();
        assert_eq!((key, mid), (ConvKey::Group(1), 2));
        app.act_on(account, key, mid, Act::Goto);
        assert_eq!(app.selection_said(), Some(2));
    }
}
