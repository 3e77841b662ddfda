//! The linear mode's own commands and its views said as lines (issue 22): `/list`, `/open`,
//! `/history`, the numbered ones (`/reply <n>`, `/edit <n>`, `/react <n>`, `/delete <n>`,
//! `/copy <n>`, `/open-link <n> [k]`, `/goto <n>`), and what a command of the full UI opened
//! (help, an info view, what a search found, a question) said and closed. Every other line
//! goes to the composer as typed.

use super::run::own;
use crate::app::{Act, App, Effect, Popup};
use crate::ui::linear::Transcript;

/// The linear mode's own commands: `/list` (every conversation, numbered), `/open <number or
/// name>`, `/history [n]`. Their lines, or `None` for any other line.
pub(super) fn linear_command(
    line: &str,
    app: &mut App,
    transcript: &mut Transcript,
    effects: &mut Vec<Effect>,
) -> Option<Vec<String>> {
    let line = line.trim();
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    match word {
        "/list" => Some(transcript.list(app)),
        "/open" if rest.is_empty() => Some(vec![
            "/open <number from /list, or #channel or @name>".into(),
        ]),
        "/open" => Some(match transcript.find_conversation(app, rest) {
            Some((account, key)) => {
                let out = app.open_conversation_in(account, key);
                let owner = app.focused;
                effects.extend(out.into_iter().map(|e| own(e, owner)));
                let mut lines = vec![format!("opened {}", crate::app::label_of(&app.chat, key))];
                if let crate::model::ConvKey::Group(gid) = key
                    && let Some(a) = app.chat.announcements.get(&gid)
                {
                    let text = crate::sanitize::clean(&a.content);
                    lines.push(format!(
                        "announcement: {} ({} says all of it)",
                        text.lines().next().unwrap_or(""),
                        app.keymap.hint(crate::keymap::Action::Announcement)
                    ));
                }
                lines.extend(transcript.history(app, crate::ui::linear::START_LINES));
                lines
            }
            None => vec![format!(
                "no conversation {}: /list numbers them",
                crate::sanitize::one_line(rest, 40)
            )],
        }),
        "/forward" => Some(forward(rest, app, transcript, effects)),
        "/history" => {
            let n = rest
                .parse::<usize>()
                .unwrap_or(crate::ui::linear::START_LINES)
                .clamp(1, 200);
            Some(transcript.history(app, n))
        }
        _ => None,
    }
}

/// `/forward <n> <number from /list, #channel or @name>`: the message said with number `n`
/// forwarded there (in its own account); what went wrong said as a line, the rest by the
/// forward's notice.
fn forward(
    rest: &str,
    app: &mut App,
    transcript: &Transcript,
    effects: &mut Vec<Effect>,
) -> Vec<String> {
    const USAGE: &str = "/forward <number> <#channel or @name, or a number from /list>";
    let (n, to) = rest.split_once(' ').unwrap_or((rest, ""));
    let (Ok(n), to) = (n.parse::<u64>(), to.trim()) else {
        return vec![USAGE.into()];
    };
    if to.is_empty() {
        return vec![USAGE.into()];
    }
    let Some((account, _, mid)) = transcript.numbered(n) else {
        return vec![format!(
            "no message numbered {n} (the newest {} are)",
            crate::ui::linear::NUMBERED
        )];
    };
    let Some((to_account, key)) = transcript.find_conversation(app, to) else {
        return vec![format!(
            "no conversation {}: /list numbers them",
            crate::sanitize::one_line(to, 40)
        )];
    };
    if to_account != account {
        return vec!["a message goes only to a conversation of its own account".into()];
    }
    let out = app.forward_in(account, mid, key);
    let owner = app.focused;
    effects.extend(out.into_iter().map(|e| own(e, owner)));
    vec![]
}

/// A command naming a message by the number it was said with: the number and what to do
/// with it (`Err`: how to write it); `None` for any other line.
pub(super) fn numbered_command(line: &str) -> Option<Result<(u64, Act), String>> {
    let line = line.trim();
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let (n, text) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
    let text = text.trim();
    let usage = match word {
        "/reply" | "/edit" => " <text>",
        "/react" => " <reaction or 1-8>",
        "/open-link" => " [which link, from 1]",
        "/copy" => " [lines 2-4 | code 1 | link 1]",
        "/delete" | "/goto" => "",
        _ => return None,
    };
    let act = match (word, n.parse::<u64>()) {
        (_, Err(_)) => None,
        ("/reply", _) if !text.is_empty() => Some(Act::Reply(text.to_string())),
        ("/edit", _) if !text.is_empty() => Some(Act::Edit(text.to_string())),
        ("/react", _) if !text.is_empty() => Some(Act::React(text.to_string())),
        ("/delete", _) => Some(Act::Delete),
        ("/copy", _) if text.is_empty() => Some(Act::Copy),
        ("/copy", _) => crate::app::Part::parse(text).map(Act::CopyPart),
        ("/goto", _) => Some(Act::Goto),
        ("/open-link", _) if text.is_empty() => Some(Act::OpenLink(None)),
        ("/open-link", _) => text.parse::<usize>().ok().map(|k| Act::OpenLink(Some(k))),
        _ => None,
    };
    Some(match (n.parse::<u64>(), act) {
        (Ok(n), Some(act)) => Ok((n, act)),
        _ => Err(format!(
            "{word} <number>{usage}: the number is the one a message was said with"
        )),
    })
}

/// What the full UI would show over the screen, said as lines: help and an info view are
/// said and closed; what a search found once it is in (the view waits for it); a question
/// once, staying open for its answer (`asked`: the kind of popup said last, so one that opens
/// another is said too). A view this mode cannot say yet says so.
pub(super) fn popup_lines(
    app: &mut App,
    transcript: &mut Transcript,
    asked: &mut Option<std::mem::Discriminant<Popup>>,
    keys: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let Some(popup) = app.popups.top() else {
        *asked = None;
        return out;
    };
    let kind = Some(std::mem::discriminant(popup));
    match popup {
        Popup::Help(_) => out.extend(crate::ui::linear::help_lines(app)),
        Popup::Info(info) => {
            out.push(crate::sanitize::clean(&info.title));
            out.extend(info.lines.iter().map(|l| crate::sanitize::clean(l)));
        }
        Popup::Devices(d) if d.loading => return out,
        Popup::Search(_) if app.search.searching() => return out,
        Popup::Search(_) => out.extend(transcript.found(app)),
        Popup::Links(picker) if keys => {
            if *asked != kind {
                *asked = kind;
                out.extend(transcript.links(app, picker));
                out.push("type a hint to open its link, in capitals to copy it; Esc closes".into());
            }
            return out;
        }
        Popup::Links(picker) => {
            out.extend(transcript.links(app, picker));
            out.push("/open-link <message> <which> opens one".into());
        }
        Popup::Pinned(view) => out.extend(transcript.pinned(app, view)),
        Popup::Confirm(c) => {
            if *asked != kind {
                *asked = kind;
                out.extend(crate::ui::linear::question(app, c));
                out.push(if keys {
                    format!(
                        "{}: yes, any other key: no",
                        app.keymap.hint(crate::keymap::Action::ConfirmYes)
                    )
                } else {
                    "type yes and Enter to go ahead; anything else is no".into()
                });
            }
            return out;
        }
        other => match crate::ui::linear::shown(app, other) {
            Some(lines) => out.extend(lines),
            None => out.push("that view is not available in linear mode yet".into()),
        },
    }
    app.popups.clear();
    *asked = None;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_commands_take_a_number_and_what_they_need() {
        assert_eq!(
            numbered_command("/reply 12 on my way"),
            Some(Ok((12, Act::Reply("on my way".into()))))
        );
        assert_eq!(numbered_command("/copy 3"), Some(Ok((3, Act::Copy))));
        assert_eq!(
            numbered_command("/copy 3 lines 2-4"),
            Some(Ok((3, Act::CopyPart(crate::app::Part::Lines(2, 4)))))
        );
        assert_eq!(
            numbered_command("/copy 3 code 1"),
            Some(Ok((3, Act::CopyPart(crate::app::Part::Code(1)))))
        );
        assert!(matches!(
            numbered_command("/copy 3 lines 4-2"),
            Some(Err(_))
        ));
        assert_eq!(numbered_command("/goto 7"), Some(Ok((7, Act::Goto))));
        assert_eq!(
            numbered_command("/open-link 4"),
            Some(Ok((4, Act::OpenLink(None))))
        );
        assert_eq!(
            numbered_command("/open-link 4 2"),
            Some(Ok((4, Act::OpenLink(Some(2)))))
        );
        // What is missing or not a number says how to write it.
        for wrong in [
            "/reply 12",
            "/copy x",
            "/open-link 4 two",
            "/react 5",
            "/goto",
        ] {
            let Some(Err(usage)) = numbered_command(wrong) else {
                panic!("{wrong}: {:?}", numbered_command(wrong));
            };
            assert!(usage.contains("<number>"), "{usage}");
        }
        // Any other line is not theirs.
        assert_eq!(numbered_command("/open 2"), None);
        assert_eq!(numbered_command("hello"), None);
    }

    #[test]
    fn the_pins_view_is_said_as_lines_and_closed() {
        use crate::app::{Msg, PinnedView, Settings, update};
        let mut app = App::logged_in(
            1,
            crate::keymap::Keymap::new(crate::keymap::Preset::Default),
            Settings::from(&crate::config::Config::default()),
            "t".into(),
        );
        let groups: crate::protocol::ServerEvent = serde_json::from_value(serde_json::json!(
            {"type":"related_groups","groups":[{"gid":1,"name":"lobby","is_public":true}]}
        ))
        .unwrap();
        update(
            &mut app,
            Msg::Sync(crate::app::conn::SyncMsg::Event(Box::new(groups))),
        );
        app.popups.push(PinnedView::new(1));
        let mut transcript = Transcript::default();
        let mut asked = None;
        let said = popup_lines(&mut app, &mut transcript, &mut asked, false);
        assert_eq!(said, vec!["nothing is pinned in #lobby"]);
        assert!(app.popups.is_empty());
    }

    /// `/forward <n> <conversation>`: the numbered message forwarded there (issue 23, item
    /// 4); a wrong number, name or form is said.
    #[test]
    fn forward_by_number_goes_to_the_named_conversation() {
        use crate::app::conn::{ConnState, SyncMsg};
        use crate::app::{Msg, update};
        use crate::model::ConvKey;
        use crate::protocol::ServerEvent;
        use serde_json::json;
        let mut app = crate::ui::linear::tests::me_and_bob(&[(1, "lobby"), (2, "dev")]);
        let event = |app: &mut App, v: serde_json::Value| {
            let ev: ServerEvent = serde_json::from_value(v).unwrap();
            update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
        };
        event(
            &mut app,
            json!({"type":"chat","mid":5,"from_uid":2,"created_at":1000,"target":{"gid":1},
                "detail":{"type":"normal","content_type":"text/plain","content":"pass it on"}}),
        );
        event(&mut app, json!({"type":"ready"}));
        update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
        let mut t = Transcript::default();
        let said = t.lines(&app);
        assert!(said[0].starts_with("1 "), "{said:?}");
        let mut effects = Vec::new();
        let lines = linear_command("/forward 1 #dev", &mut app, &mut t, &mut effects);
        assert_eq!(lines, Some(vec![]));
        assert!(
            matches!(effects.as_slice(), [Effect::For(_, e)] if matches!(&**e, Effect::Forward { mids, to: ConvKey::Group(2), .. } if *mids == vec![5])),
            "{effects:?}"
        );
        for (line, said) in [
            ("/forward", "/forward <number>"),
            ("/forward 1", "/forward <number>"),
            ("/forward 99 #dev", "no message numbered 99"),
            ("/forward 1 #nowhere", "no conversation #nowhere"),
        ] {
            let mut effects = Vec::new();
            let lines = linear_command(line, &mut app, &mut t, &mut effects).unwrap();
            assert!(lines[0].starts_with(said), "{line}: {lines:?}");
            assert!(effects.is_empty());
        }
    }
}
