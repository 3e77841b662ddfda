//! Which saved account a headless command uses: `--account <name>` (the config's account of
//! that name, else the saved session whose e-mail or server host is that name), `--server`
//! (the session saved for that server), the config's top-level `server`, else the one saved
//! session. Several saved and nothing to choose with is an error listing them, so a script
//! never acts as whoever happens to be first.

use crate::config::{Account, Config};
use crate::files::server_file_stem;
use crate::runtime::session_store::SavedLogin;

/// What the command line says about the account.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted<'a> {
    pub account: Option<&'a str>,
    pub server: Option<&'a str>,
}

fn same_server(a: &str, b: &str) -> bool {
    server_file_stem(a) == server_file_stem(b)
}

/// The host of a server address, without and with its port.
fn hosts(server: &str) -> [String; 2] {
    let with_port = crate::config::host_name(server);
    let bare = match url::Url::parse(server) {
        Ok(u) => u.host_str().unwrap_or_default().to_lowercase(),
        Err(_) => with_port.clone(),
    };
    [bare, with_port]
}

/// The config's account a saved session is, if any: same server, and its e-mail (or no
/// e-mail given in the config).
pub fn configured<'c>(config: &'c [Account], saved: &SavedLogin) -> Option<&'c Account> {
    config.iter().find(|a| {
        same_server(&a.server, &saved.server)
            && a.email
                .as_deref()
                .is_none_or(|e| e.eq_ignore_ascii_case(&saved.email))
    })
}

/// The config's account a saved session is, among every saved session `all`: as
/// [`configured`], but a table without an e-mail claims one session only (the first on its
/// server that no table names by e-mail), so two people on one server never share a table's
/// name, password command or notification level.
pub fn configured_among<'c>(
    config: &'c [Account],
    all: &[SavedLogin],
    saved: &SavedLogin,
) -> Option<&'c Account> {
    let account = configured(config, saved)?;
    if account.email.is_some() {
        return Some(account);
    }
    let named_by_email = |s: &SavedLogin| {
        config.iter().any(|a| {
            same_server(&a.server, &s.server)
                && a.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&s.email))
        })
    };
    let claimed = all
        .iter()
        .find(|s| same_server(&s.server, &account.server) && !named_by_email(s))?;
    (claimed.session.uid == saved.session.uid && same_server(&claimed.server, &saved.server))
        .then_some(account)
}

/// An account's short name: the config's, else its e-mail.
pub fn name(config: &[Account], saved: &SavedLogin) -> String {
    configured(config, saved)
        .map_or_else(|| crate::sanitize::clean(&saved.email), |a| a.name.clone())
}

/// The config's account on `server` (with `email` when both name one), if any: what a
/// server on the command line takes its e-mail and password command from.
pub fn configured_on(config: &[Account], server: &str, email: Option<&str>) -> Option<Account> {
    config
        .iter()
        .find(|a| {
            same_server(&a.server, server)
                && match (a.email.as_deref(), email) {
                    (Some(a), Some(e)) => a.eq_ignore_ascii_case(e.trim()),
                    _ => true,
                }
        })
        .cloned()
}

/// The password command of `account` for a login as `asked` (the e-mail given on the command
/// line): none when the config names another e-mail, so one person's password is never sent
/// as another's.
pub fn password_command_for(account: &Account, asked: Option<&str>) -> Option<String> {
    let command = account
        .password_command
        .clone()
        .filter(|c| !c.trim().is_empty())?;
    match (account.email.as_deref(), asked) {
        (Some(configured), Some(asked)) if !configured.eq_ignore_ascii_case(asked.trim()) => None,
        _ => Some(command),
    }
}

/// The short names of the window's accounts, one per saved session of `saved`, each unique:
/// the config's name, else the server's host when no other account is on it, else the
/// e-mail's user part (the whole e-mail if another account there has the same), sanitized.
pub fn short_names(config: &[Account], saved: &[SavedLogin]) -> Vec<String> {
    saved
        .iter()
        .map(|s| {
            if let Some(a) = configured_among(config, saved, s) {
                return a.name.clone();
            }
            let [_, host] = hosts(&s.server);
            let shared = saved
                .iter()
                .filter(|o| same_server(&o.server, &s.server))
                .count()
                > 1;
            if shared {
                // The e-mail's user part, unless another account on the server has it too.
                let user = |e: &str| e.split('@').next().unwrap_or(e).to_lowercase();
                let same_user = saved
                    .iter()
                    .filter(|o| same_server(&o.server, &s.server))
                    .filter(|o| user(&o.email) == user(&s.email))
                    .count()
                    > 1;
                crate::sanitize::clean(&if same_user {
                    s.email.clone()
                } else {
                    user(&s.email)
                })
            } else {
                crate::sanitize::clean(&host)
            }
        })
        .collect()
}

/// How an account is named in a list: `work (me@work.example @ chat.work.example)`.
pub fn describe(config: &[Account], saved: &SavedLogin) -> String {
    let [_, host] = hosts(&saved.server);
    let name = configured(config, saved).map_or_else(|| host.clone(), |a| a.name.clone());
    format!("{name} ({} @ {host})", crate::sanitize::clean(&saved.email))
}

fn listing(config: &[Account], saved: &[&SavedLogin]) -> String {
    saved
        .iter()
        .map(|s| describe(config, s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one of `found`, or an error saying there is none or which there are.
fn one(
    config: &[Account],
    found: Vec<&SavedLogin>,
    none: impl FnOnce() -> String,
    several: &str,
) -> Result<SavedLogin, String> {
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(none()),
        _ => Err(format!("{several}: {}", listing(config, &found))),
    }
}

/// The saved session to use; `saved` is every saved session (`SessionStore::all`).
pub fn choose(
    wanted: Wanted<'_>,
    config: &Config,
    saved: &[SavedLogin],
) -> Result<SavedLogin, String> {
    let accounts = config.accounts();
    let log_in = |server: &str| format!("run `vocechat-tui {server}` once and log in");
    if let Some(name) = wanted.account {
        if let Some(account) = accounts.iter().find(|a| a.name == name) {
            let found = saved
                .iter()
                .filter(|s| same_server(&s.server, &account.server))
                .filter(|s| {
                    account
                        .email
                        .as_deref()
                        .is_none_or(|e| e.eq_ignore_ascii_case(&s.email))
                })
                .collect();
            return one(
                &accounts,
                found,
                || {
                    format!(
                        "account {name:?} ({}) is not logged in: {}",
                        account.server,
                        log_in(&account.server)
                    )
                },
                &format!("account {name:?} has several saved sessions; give it an `email`"),
            );
        }
        let found = saved
            .iter()
            .filter(|s| {
                s.email.eq_ignore_ascii_case(name)
                    || hosts(&s.server)
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(name))
            })
            .collect();
        return one(
            &accounts,
            found,
            || {
                let all: Vec<&SavedLogin> = saved.iter().collect();
                if all.is_empty() {
                    format!("no account named {name:?}, and none is logged in")
                } else {
                    format!(
                        "no account named {name:?}; the accounts are: {}",
                        listing(&accounts, &all)
                    )
                }
            },
            &format!("{name:?} names several accounts; use the e-mail"),
        );
    }
    let server = wanted.server.or(config.server.as_deref());
    if let Some(server) = server {
        let on_server: Vec<&SavedLogin> = saved
            .iter()
            .filter(|s| same_server(&s.server, server))
            .collect();
        // The config may say which of them (the top-level [login] or a table's `email`).
        let emails: Vec<&str> = accounts
            .iter()
            .filter(|a| same_server(&a.server, server))
            .filter_map(|a| a.email.as_deref())
            .collect();
        let preferred: Vec<&SavedLogin> = on_server
            .iter()
            .copied()
            .filter(|s| emails.iter().any(|e| e.eq_ignore_ascii_case(&s.email)))
            .collect();
        let found = if preferred.len() == 1 {
            preferred
        } else {
            on_server
        };
        return one(
            &accounts,
            found,
            || format!("not logged in to {server}: {}", log_in(server)),
            &format!("several accounts are logged in to {server}; say which with --account"),
        );
    }
    one(
        &accounts,
        saved.iter().collect(),
        || "not logged in anywhere: run `vocechat-tui SERVER` once and log in".to_string(),
        "several accounts are logged in; say which with --account <name>",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::api::Session;

    fn saved(server: &str, uid: i64, email: &str) -> SavedLogin {
        SavedLogin {
            server: server.into(),
            email: email.into(),
            session: Session {
                server_id: "s".into(),
                uid,
                device: "tui:x".into(),
                token: "t".into(),
                refresh_token: "r".into(),
                expires_at_ms: 0,
                lifetime_ms: 0,
            },
        }
    }

    const WORK: &str = "https://chat.work.example/";
    const HOME: &str = "http://home.example:3000/";

    fn all() -> Vec<SavedLogin> {
        vec![
            saved(WORK, 1, "me@work.example"),
            saved(WORK, 7, "bot@work.example"),
            saved(HOME, 2, "me@home.example"),
        ]
    }

    fn config(text: &str) -> Config {
        Config::parse(text).unwrap()
    }

    fn uid(r: Result<SavedLogin, String>) -> Result<i64, String> {
        r.map(|s| s.session.uid)
    }

    #[test]
    fn a_table_without_an_e_mail_names_one_account_of_its_server() {
        let c = config("[[account]]\nname = \"work\"\nserver = \"https://chat.work.example\"\n");
        // Two saved on the work server: the table names the first, the other keeps its own.
        assert_eq!(
            short_names(&c.accounts(), &all()),
            ["work", "bot", "home.example:3000"]
        );
        let accounts = c.accounts();
        let all = all();
        assert!(configured_among(&accounts, &all, &all[0]).is_some());
        assert!(configured_among(&accounts, &all, &all[1]).is_none());
    }

    #[test]
    fn a_server_on_the_command_line_takes_only_its_own_accounts_password_command() {
        let c = config(
            "server = \"https://chat.work.example\"\n[login]\nemail = \"me@work.example\"\n\
             password_command = \"pass work\"\n",
        );
        let accounts = c.accounts();
        // Another server: nothing of the config's login.
        assert_eq!(
            configured_on(&accounts, "https://other.example", None),
            None
        );
        // Its own server: its login, for its own e-mail only.
        let work = configured_on(&accounts, "https://chat.work.example/", None).unwrap();
        assert_eq!(
            password_command_for(&work, None).as_deref(),
            Some("pass work")
        );
        assert_eq!(
            password_command_for(&work, Some("ME@work.example")).as_deref(),
            Some("pass work")
        );
        assert_eq!(password_command_for(&work, Some("bob@work.example")), None);
    }

    #[test]
    fn the_window_names_each_account_by_its_config_name_else_its_host_else_its_email() {
        // Two on the work server and none configured: each by its e-mail's user part; home
        // by its host.
        assert_eq!(short_names(&[], &all()), ["me", "bot", "home.example:3000"]);
        // The same user part twice on one server: the whole e-mails.
        let twins = [
            saved(WORK, 1, "me@work.example"),
            saved(WORK, 2, "me@other.example"),
        ];
        assert_eq!(
            short_names(&[], &twins),
            ["me@work.example", "me@other.example"]
        );
        // A configured name wins.
        let c = config("[[account]]\nname = \"home\"\nserver = \"http://home.example:3000\"\n");
        assert_eq!(short_names(&c.accounts(), &all())[2], "home");
    }

    #[test]
    fn an_account_is_chosen_by_name_email_host_or_server() {
        let c = config(
            "[[account]]\nname = \"work\"\nserver = \"https://chat.work.example\"\n\
             email = \"ME@work.example\"\n\
             [[account]]\nname = \"family\"\nserver = \"http://home.example:3000\"\n",
        );
        let by = |account: Option<&str>, server: Option<&str>| {
            uid(choose(Wanted { account, server }, &c, &all()))
        };
        assert_eq!(by(Some("work"), None), Ok(1));
        assert_eq!(by(Some("family"), None), Ok(2));
        assert_eq!(by(Some("bot@work.example"), None), Ok(7));
        assert_eq!(by(Some("home.example"), None), Ok(2));
        assert_eq!(by(Some("home.example:3000"), None), Ok(2));
        assert_eq!(by(None, Some("http://home.example:3000")), Ok(2));
        // Two on the work server: the config's e-mail says which.
        assert_eq!(by(None, Some("https://chat.work.example")), Ok(1));
        let err = by(Some("chat.work.example"), None).unwrap_err();
        assert!(err.contains("several accounts"), "{err}");
        let err = by(Some("nope"), None).unwrap_err();
        assert!(
            err.contains("no account named \"nope\"")
                && err.contains("work (me@work.example @ chat.work.example)")
                && err.contains("chat.work.example (bot@work.example @ chat.work.example)")
                && err.contains("family (me@home.example @ home.example:3000)"),
            "{err}"
        );
        // Several and nothing to choose with: an error listing them.
        let err = by(None, None).unwrap_err();
        assert!(
            err.contains("--account") && err.contains("family (me@home.example"),
            "{err}"
        );
    }

    #[test]
    fn one_saved_session_needs_no_flag_and_the_top_level_server_still_chooses() {
        let c = Config::default();
        let one = vec![saved(HOME, 2, "me@home.example")];
        assert_eq!(uid(choose(Wanted::default(), &c, &one)), Ok(2));
        let err = choose(Wanted::default(), &c, &[]).unwrap_err();
        assert!(err.contains("not logged in anywhere"), "{err}");
        let c = config(
            "server = \"https://chat.work.example\"\n[login]\nemail = \"bot@work.example\"\n",
        );
        assert_eq!(uid(choose(Wanted::default(), &c, &all())), Ok(7));
        let c = config("server = \"https://chat.work.example\"\n");
        let err = choose(Wanted::default(), &c, &all()).unwrap_err();
        assert!(err.contains("several accounts are logged in to"), "{err}");
        let err = choose(
            Wanted {
                account: None,
                server: Some("https://other.example"),
            },
            &c,
            &all(),
        )
        .unwrap_err();
        assert!(
            err.contains("not logged in to https://other.example"),
            "{err}"
        );
        let c = config("[[account]]\nname = \"x\"\nserver = \"https://other.example\"\n");
        let err = choose(
            Wanted {
                account: Some("x"),
                server: None,
            },
            &c,
            &all(),
        )
        .unwrap_err();
        assert!(
            err.contains("account \"x\" (https://other.example) is not logged in"),
            "{err}"
        );
    }
}
