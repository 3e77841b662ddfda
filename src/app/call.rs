//! The arguments of `/call`: `post` (invite everyone with the plain room link), or the options
//! of your personal link: which sub-room (`room <name>`, `--empty`, `--main`), your role
//! (`identity <role>`) and the device check (`--prejoin`, `--no-prejoin`). Whatever is not
//! given keeps the config's `[vocespace]` value, and no room claim at all.

use crate::protocol::vocespace::{self as vs, CallOptions, Room};

/// What `/call …` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallArgs {
    /// Post the plain invite instead of making your link.
    pub post: bool,
    pub options: CallOptions,
}

const USAGE: &str = "post, room <name>, --empty, --main, identity <role>, --prejoin, --no-prejoin";

/// Parses what follows `/call`. Room names with spaces go in double quotes
/// (`room "Design review"`).
pub fn parse(rest: &str) -> Result<CallArgs, String> {
    let words = split_words(rest)?;
    let mut words = words.into_iter();
    let mut args = CallArgs::default();
    while let Some(word) = words.next() {
        match word.as_str() {
            "post" => args.post = true,
            "room" => {
                let name = words
                    .next()
                    .ok_or("/call room needs a name (or --empty / --main)")?;
                vs::check_room_name(&name).map_err(|e| format!("/call room: {e}"))?;
                set_room(&mut args.options, Room::Named(name))?;
            }
            "--empty" => set_room(&mut args.options, Room::Empty)?,
            "--main" => set_room(&mut args.options, Room::Main)?,
            "identity" => {
                let role = words.next().ok_or_else(|| {
                    format!(
                        "/call identity needs a role ({})",
                        vs::IDENTITIES.join(", ")
                    )
                })?;
                vs::check_identity(&role).map_err(|e| format!("/call identity: {e}"))?;
                if args.options.identity.replace(role).is_some() {
                    return Err("/call: identity is given twice".into());
                }
            }
            "--prejoin" => set_pre_join(&mut args.options, true)?,
            "--no-prejoin" => set_pre_join(&mut args.options, false)?,
            other => {
                return Err(format!(
                    "/call: unknown option {:?} (try {USAGE})",
                    crate::sanitize::one_line(other, 40)
                ));
            }
        }
    }
    if args.post && args.options != CallOptions::default() {
        // The posted link is the plain room URL: it carries no token to put options in.
        return Err(
            "/call post takes no options: each person picks their own (/call room …)".into(),
        );
    }
    Ok(args)
}

fn set_room(options: &mut CallOptions, room: Room) -> Result<(), String> {
    match options.room.replace(room) {
        Some(_) => Err("/call: one room only (room <name>, --empty or --main)".into()),
        None => Ok(()),
    }
}

fn set_pre_join(options: &mut CallOptions, pre_join: bool) -> Result<(), String> {
    match options.pre_join.replace(pre_join) {
        Some(_) => Err("/call: --prejoin or --no-prejoin, once".into()),
        None => Ok(()),
    }
}

/// Splits on whitespace, keeping a double-quoted stretch (quotes removed) as one word.
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if quoted {
        return Err("/call: a quote is not closed".into());
    }
    if started {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(text: &str) -> CallOptions {
        let args = parse(text).unwrap();
        assert!(!args.post, "{text}");
        args.options
    }

    #[test]
    fn nothing_given_keeps_the_config_and_asks_for_no_room() {
        assert_eq!(parse("").unwrap(), CallArgs::default());
        assert_eq!(parse("   ").unwrap(), CallArgs::default());
        assert_eq!(
            parse("post").unwrap(),
            CallArgs {
                post: true,
                options: CallOptions::default()
            }
        );
    }

    #[test]
    fn rooms_roles_and_the_device_check_are_read() {
        assert_eq!(options("--empty").room, Some(Room::Empty));
        assert_eq!(options("--main").room, Some(Room::Main));
        assert_eq!(
            options("room standup").room,
            Some(Room::Named("standup".into()))
        );
        assert_eq!(
            options("room \"Design review\" --no-prejoin"),
            CallOptions {
                room: Some(Room::Named("Design review".into())),
                identity: None,
                pre_join: Some(false),
            }
        );
        assert_eq!(
            options("identity guest --prejoin"),
            CallOptions {
                room: None,
                identity: Some("guest".into()),
                pre_join: Some(true),
            }
        );
    }

    #[test]
    fn mistakes_say_what_is_wrong() {
        for (text, expected) in [
            ("--loud", "unknown option \"--loud\""),
            ("posts", "unknown option \"posts\""),
            ("room", "room needs a name"),
            ("room \"\"", "the room name is empty"),
            ("room \"a\u{7}b\"", "control characters"),
            ("room a\u{1b}[2Jb", "control characters"),
            ("room $space", "cannot start with $"),
            ("room \"open", "quote is not closed"),
            ("--empty room a", "one room only"),
            ("--main --main", "one room only"),
            ("identity", "needs a role (participant"),
            ("identity king", "unknown role \"king\""),
            ("identity guest identity owner", "given twice"),
            ("--prejoin --no-prejoin", "once"),
            ("post --empty", "post takes no options"),
            ("post identity guest", "post takes no options"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(err.starts_with("/call"), "{text:?}: {err}");
        }
    }

    #[test]
    fn an_unknown_option_from_the_keyboard_is_shown_safely() {
        let err = parse("--x\u{1b}]0;pwned\u{7}").unwrap_err();
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    }
}
