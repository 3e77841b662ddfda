//! Slash commands typed in the composer (`/mute 1h`, `/invite @bob`…) and their help.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. A
//! command owns no state: it asks the server (an effect) or calls the method of the part that
//! owns what it changes (the popups, the search view, the outbox, the composer…), or sets its
//! field when that is all it does.

use super::{App, Confirm, Effect, Help, Info};
use crate::model::ConvKey;

pub struct Command {
    pub name: &'static str,
    pub args: &'static str,
    pub help: &'static str,
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "help",
        args: "",
        help: "keys and commands",
    },
    Command {
        name: "inbox",
        args: "",
        help: "messages that mention you or reply to you, everywhere",
    },
    Command {
        name: "saved",
        args: "",
        help: "your saved messages (f in selection mode saves one)",
    },
    Command {
        name: "search",
        args: "[words] [from:@name] [in:#channel|@name] [has:file|audio|link] [before:|after:DATE]",
        help: "search every stored message",
    },
    Command {
        name: "notify",
        args: "[all|mentions|none|default]",
        help: "what notifies in this conversation (kept; bare: what does now, and why)",
    },
    Command {
        name: "dnd",
        args: "[30m|1h|8h|1d|off]",
        help: "do not disturb: no bell or notification in any account (bare: on, or off)",
    },
    Command {
        name: "mute",
        args: "[30m|1h|8h|1d|1w]",
        help: "mute this conversation (forever without a duration)",
    },
    Command {
        name: "unmute",
        args: "",
        help: "unmute this conversation",
    },
    Command {
        name: "burn",
        args: "<off|5m|10m|1h|1d|1w>",
        help: "your next messages here disappear after this long",
    },
    Command {
        name: "leave",
        args: "",
        help: "leave this channel (asks first)",
    },
    Command {
        name: "clear",
        args: "",
        help: "empty this channel for everyone (its owner or an admin; asks first)",
    },
    Command {
        name: "create",
        args: "[--public] <name> [@user…]",
        help: "create a channel (private unless --public)",
    },
    Command {
        name: "invite",
        args: "@user…",
        help: "add people to this channel",
    },
    Command {
        name: "links",
        args: "",
        help: "pick a link on the screen by its hint (Alt+L; in capitals: copy it)",
    },
    Command {
        name: "invite-link",
        args: "[1h|1d|7d…] [uses]",
        help: "a link that joins this private channel (newer servers)",
    },
    Command {
        name: "join",
        args: "<invite link>",
        help: "join the private channel a pasted invite link is for",
    },
    Command {
        name: "contact",
        args: "add|remove|block|unblock @name",
        help: "your contacts (servers that have them)",
    },
    Command {
        name: "find",
        args: "name|email|id <text>",
        help: "look someone up on the server (servers that allow it)",
    },
    Command {
        name: "members",
        args: "",
        help: "who is in this conversation",
    },
    Command {
        name: "me",
        args: "<action>",
        help: "send an action (* you waves)",
    },
    Command {
        name: "upload",
        args: "<path>… | clear",
        help: "pick files to send with the next Enter (Tab completes paths)",
    },
    Command {
        name: "cancel",
        args: "",
        help: "cancel the uploads running here",
    },
    Command {
        name: "call",
        args: "[post] [room <name>|--empty|--main] [identity <role>] [--prejoin|--no-prejoin]",
        help: "your VoceSpace meeting link here (options over the config's); post: invite everyone",
    },
    Command {
        name: "devices",
        args: "",
        help: "your devices; log out one you no longer have",
    },
    Command {
        name: "pins",
        args: "",
        help: "this channel's pinned messages (Enter goes to one; P in selection pins)",
    },
    Command {
        name: "pin",
        args: "",
        help: "pin this conversation at the top of the sidebar (on every device; newer servers)",
    },
    Command {
        name: "unpin",
        args: "",
        help: "unpin this conversation",
    },
    Command {
        name: "remark",
        args: "@name [text]",
        help: "your own name for someone, shown beside theirs (without text: none; newer servers)",
    },
    Command {
        name: "announce",
        args: "<text> | --clear",
        help: "set or remove this channel's announcement (owner and admins; newer servers)",
    },
    Command {
        name: "server",
        args: "",
        help: "the server's version, what it can do and its limits (for bug reports)",
    },
    Command {
        name: "account",
        args: "list | add <server> [--email …] | remove <name> | mute <name> [1h…] | unmute <name>",
        help: "the accounts of this window: list them, log in to one more, remove one, mute one",
    },
    Command {
        name: "logout",
        args: "[--forget]",
        help: "log out this device and quit (--forget also empties the local store)",
    },
    Command {
        name: "quit",
        args: "",
        help: "quit (stay logged in)",
    },
];

/// `30m`, `1h`, `2d`, `1w`, `45s` → seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    // find() gives the start of a char: a boundary.
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: i64 = n.parse().ok().filter(|n| *n > 0)?;
    let mult = match unit {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// What follows the command's name in `line`, as typed.
fn rest_of<'a>(line: &'a str, name: &str) -> &'a str {
    line.trim_start().strip_prefix(name).unwrap_or("")
}

impl App {
    pub(super) fn resolve_users(&self, words: &[&str]) -> Result<Vec<i64>, String> {
        words
            .iter()
            .map(|w| {
                let name = w.trim_start_matches('@');
                match super::search::users_named(&self.chat, name)[..] {
                    [uid] => Ok(uid),
                    [] => Err(format!(
                        "no user named @{}",
                        crate::sanitize::one_line(name, 40)
                    )),
                    ref many => Err(format!(
                        "@{} is ambiguous: {}",
                        crate::sanitize::one_line(name, 40),
                        many.iter()
                            .map(|uid| format!(
                                "@{} (@uid:{uid})",
                                crate::sanitize::one_line(&self.chat.user_name(*uid), 40)
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            })
            .collect()
    }

    /// The room someone already invited to in `key`, if any, else the conversation's own.
    fn call_target(&self, key: ConvKey) -> super::CallTarget {
        let invited = self.chat.convs.get(&key).and_then(|c| {
            c.visible()
                .rev()
                .find_map(|m| crate::protocol::vocespace::parse_invite(&m.content))
        });
        match invited {
            Some((base, space)) => super::CallTarget::Space { base, space },
            None => super::CallTarget::Conversation(key),
        }
    }

    fn post_invite(&mut self, key: ConvKey) -> Vec<Effect> {
        let local_id = self.next_local_id();
        let task = self
            .tasks
            .start(super::TaskKind::MeetingInvite, self.now_ms);
        vec![Effect::PostInvite {
            task,
            key,
            local_id,
        }]
    }

    pub(super) fn run_command(&mut self, line: &str) -> Vec<Effect> {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or("");
        let args: Vec<&str> = words.collect();
        let open = self.timeline.open;
        let need_open = |app: &mut App| -> Option<ConvKey> {
            if open.is_none() {
                app.error("open a conversation first");
            }
            open
        };
        match name {
            "help" => {
                self.popups.push(Help::default());
                vec![]
            }
            "inbox" => self.open_search(Some(super::search::INBOX_QUERY)),
            "saved" => self.open_saved(),
            "search" => {
                let rest = line
                    .trim_start()
                    .strip_prefix("search")
                    .unwrap_or("")
                    .trim();
                self.open_search((!rest.is_empty()).then_some(rest))
            }
            "notify" => self.notify_command(&args),
            "dnd" => self.dnd_command(&args),
            "mute" => {
                let Some(key) = need_open(self) else {
                    return vec![];
                };
                let seconds = match args.first() {
                    None => None,
                    Some(d) => match parse_duration(d) {
                        Some(s) => Some(s),
                        None => {
                            self.error(format!("/mute: {d:?} is not a duration like 30m, 1h, 1d"));
                            return vec![];
                        }
                    },
                };
                self.info(match seconds {
                    Some(_) => format!("muted {} for {}", self.conv_label(key), args[0]),
                    None => format!("muted {}", self.conv_label(key)),
                });
                vec![Effect::Mute { key, seconds }]
            }
            "unmute" => {
                let Some(key) = need_open(self) else {
                    return vec![];
                };
                self.info(format!("unmuted {}", self.conv_label(key)));
                vec![Effect::Unmute { key }]
            }
            "burn" => {
                let Some(key) = need_open(self) else {
                    return vec![];
                };
                let seconds = match args.first().copied() {
                    Some("off") => 0,
                    Some(d @ ("5m" | "10m" | "1h" | "1d" | "1w")) => parse_duration(d).unwrap_or(0),
                    _ => {
                        self.error("/burn takes off, 5m, 10m, 1h, 1d or 1w");
                        return vec![];
                    }
                };
                self.info(if seconds == 0 {
                    "burn after reading off".to_string()
                } else {
                    format!("new messages burn after {}", args[0])
                });
                vec![Effect::Burn { key, seconds }]
            }
            "leave" => match open {
                Some(ConvKey::Group(gid)) => {
                    self.popups.push(Confirm::Leave(gid));
                    vec![]
                }
                _ => {
                    self.error("/leave works in a channel");
                    vec![]
                }
            },
            "create" => {
                let public = args.first() == Some(&"--public");
                let rest: Vec<&str> = args.iter().copied().filter(|a| *a != "--public").collect();
                let Some((name, people)) = rest.split_first() else {
                    self.error("/create [--public] <name> [@user…]");
                    return vec![];
                };
                match self.resolve_users(people) {
                    Ok(members) => vec![Effect::CreateGroup {
                        name: name.to_string(),
                        members,
                        public,
                    }],
                    Err(e) => {
                        self.error(e);
                        vec![]
                    }
                }
            }
            "invite" => {
                let Some(ConvKey::Group(gid)) = open else {
                    self.error("/invite works in a private channel");
                    return vec![];
                };
                if args.is_empty() {
                    self.error("/invite @user…");
                    return vec![];
                }
                match self.resolve_users(&args) {
                    Ok(uids) => vec![Effect::Invite { gid, uids }],
                    Err(e) => {
                        self.error(e);
                        vec![]
                    }
                }
            }
            "clear" => self.ask_clear_channel(),
            "devices" => self.open_devices(),
            "pins" => self.open_pins(),
            "server" => self.open_server_view(),
            "pin" => self.pin_command(true),
            "unpin" => self.pin_command(false),
            "remark" => self.remark_command(rest_of(line, "remark")),
            "announce" => self.announce_command(rest_of(line, "announce")),
            "contact" => self.contact_command(&args),
            "find" => self.find_command(line),
            "invite-link" => self.invite_link_command(&args),
            "links" => self.open_link_picker(),
            "join" => self.join_command(&args),
            "members" => {
                let Some(key) = need_open(self) else {
                    return vec![];
                };
                let mut lines: Vec<String> = self
                    .chat
                    .members(key)
                    .into_iter()
                    .map(|uid| {
                        let dot = if self.chat.online.contains(&uid) || Some(uid) == self.chat.me {
                            "●"
                        } else {
                            "○"
                        };
                        let owner = match key {
                            ConvKey::Group(gid)
                                if self.chat.groups.get(&gid).and_then(|g| g.owner)
                                    == Some(uid) =>
                            {
                                " (owner)"
                            }
                            _ => "",
                        };
                        format!(
                            "{dot} {}{owner}",
                            crate::sanitize::one_line(&self.chat.display_name(uid), 40)
                        )
                    })
                    .collect();
                lines.sort();
                self.popups.push(Info {
                    title: format!("members of {} ({})", self.conv_label(key), lines.len()),
                    lines,
                });
                vec![]
            }
            "me" => {
                if args.is_empty() {
                    self.error("/me <action>");
                    return vec![];
                }
                let name = self
                    .chat
                    .me
                    .map(|me| self.chat.user_name(me))
                    .unwrap_or_default();
                self.send_text(format!("* {name} {}", args.join(" ")), None)
            }
            "upload" => {
                let rest = line
                    .trim_start()
                    .strip_prefix("upload")
                    .unwrap_or("")
                    .trim();
                if rest == "clear" {
                    self.composer.staged.clear();
                    self.info(super::strings::NO_FILES_PICKED);
                    return vec![];
                }
                let paths = crate::files::split_paths(rest);
                if paths.is_empty() {
                    self.error("/upload <path>… (Tab completes paths)");
                    return vec![];
                }
                vec![Effect::StageFiles { paths, paste: None }]
            }
            "cancel" => {
                let Some(key) = need_open(self) else {
                    return vec![];
                };
                self.cancel_uploads(key)
            }
            "call" => {
                let Some(key) = need_open(self) else {
                    return vec![];
                };
                let rest = line.trim_start().strip_prefix("call").unwrap_or("");
                match super::call::parse(rest) {
                    Ok(args) if args.post => self.post_invite(key),
                    Ok(args) => {
                        let target = self.call_target(key);
                        self.call_link(target, args.options)
                    }
                    Err(e) => {
                        self.error(e);
                        vec![]
                    }
                }
            }
            "account" => self.account_command(rest_of(line, "account")),
            "logout" => match args.first().copied() {
                None => vec![Effect::Logout { forget: false }],
                Some("--forget") => vec![Effect::Logout { forget: true }],
                Some(other) => {
                    self.error(format!("/logout takes nothing or --forget, not {other:?}"));
                    vec![]
                }
            },
            "quit" => {
                self.quit = true;
                vec![]
            }
            other => {
                self.error(format!(
                    "unknown command /{other} (try /help; start with // to send a slash)"
                ));
                vec![]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30m"), Some(1800));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("1w"), Some(604_800));
        assert_eq!(parse_duration("0m"), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("5y"), None);
    }
}
