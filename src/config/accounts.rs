//! The accounts of the config: `[[account]]` tables (`name`, `server`, `email`,
//! `password_command`), and the top-level `server` with `[login]`, which stays the one
//! account of a single-account config (named after its server's host). Checked when the
//! config is read: a table that cannot be used is an error naming it.

use serde::Deserialize;

/// One `[[account]]` table as written (every key optional here, so a missing one is an error
/// naming the table rather than serde's).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AccountTable {
    pub name: Option<String>,
    pub server: Option<String>,
    pub email: Option<String>,
    pub password_command: Option<String>,
    /// `all`, `mentions` or `none` (checked: an error names the table).
    pub notify: Option<String>,
}

/// An account of the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Short, shown in the sidebar and given to `--account`: 1 to 16 of `a-z`, `0-9`, `_`,
    /// `-` for a table; the host for the top-level `server`.
    pub name: String,
    pub server: String,
    pub email: Option<String>,
    /// A command whose first line of output is the password.
    pub password_command: Option<String>,
    /// Which of its new messages notify (`notify`); `None`: as `[notifications]` says.
    pub notify: Option<super::NotifyLevel>,
}

/// The longest account name.
pub const NAME_MAX: usize = 16;

/// Why `name` cannot name an account, if it cannot.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(format!("name {name:?} must be 1 to {NAME_MAX} characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-')))
    {
        return Err(format!(
            "name {name:?} has {c:?}: only a-z, 0-9, `_` and `-` are allowed"
        ));
    }
    Ok(())
}

/// Why `server` is not a server's address, if it is not.
fn check_server(server: &str) -> Result<(), String> {
    match url::Url::parse(server) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        _ => Err(format!(
            "server {server:?} is not an http(s) address (https://chat.example.com)"
        )),
    }
}

/// The name of the top-level `server`'s account: its host (with a port other than the
/// scheme's), lower-cased.
pub fn host_name(server: &str) -> String {
    match url::Url::parse(server.trim()) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => server.trim().to_string(),
        },
        Err(_) => server.trim().to_string(),
    }
    .to_lowercase()
}

/// The notification level `notify` names, or why it names none.
fn check_notify(notify: &str) -> Result<super::NotifyLevel, String> {
    match notify {
        "all" => Ok(super::NotifyLevel::All),
        "mentions" => Ok(super::NotifyLevel::Mentions),
        "none" => Ok(super::NotifyLevel::None),
        other => Err(format!(
            "notify {other:?} must be \"all\", \"mentions\" or \"none\""
        )),
    }
}

/// A value that is set, trimmed (an empty `password_command = ""` is none).
fn set(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The accounts of a config: the top-level `server` (with `[login]`) first, then each table
/// in its order; or the error naming the first table that cannot be used.
pub fn accounts(
    server: Option<&str>,
    login: &super::Login,
    tables: &[AccountTable],
) -> Result<Vec<Account>, String> {
    let mut out: Vec<Account> = Vec::new();
    if let Some(server) = server.map(str::trim).filter(|s| !s.is_empty()) {
        out.push(Account {
            name: host_name(server),
            server: server.to_string(),
            email: set(&login.email),
            password_command: set(&login.password_command),
            notify: None,
        });
    }
    for (i, table) in tables.iter().enumerate() {
        let which = match &table.name {
            Some(name) => format!("[[account]] {} ({name:?})", i + 1),
            None => format!("[[account]] {}", i + 1),
        };
        let name = table
            .name
            .clone()
            .ok_or_else(|| format!("{which}: `name` is missing"))?;
        check_name(&name).map_err(|e| format!("{which}: {e}"))?;
        let server = set(&table.server).ok_or_else(|| format!("{which}: `server` is missing"))?;
        check_server(&server).map_err(|e| format!("{which}: {e}"))?;
        if out.iter().any(|a| a.name == name) {
            return Err(format!("{which}: the name {name:?} is used twice"));
        }
        if let Some(email) = &table.email
            && email.chars().any(char::is_control)
        {
            return Err(format!("{which}: email has control characters"));
        }
        let notify = match table.notify.as_deref() {
            Some(level) => Some(check_notify(level).map_err(|e| format!("{which}: {e}"))?),
            None => None,
        };
        out.push(Account {
            name,
            server,
            email: set(&table.email),
            password_command: set(&table.password_command),
            notify,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::config::{Account, Config};

    #[test]
    fn account_tables_are_the_accounts_after_the_top_level_server() {
        let c = Config::parse(
            "server = \"https://Chat.Example.com:8443/\"\n\
             [login]\nemail = \"me@example.com\"\npassword_command = \"pass show vc\"\n\
             [[account]]\nname = \"work\"\nserver = \"https://chat.work.example\"\n\
             email = \"me@work.example\"\npassword_command = \"  \"\n\
             [[account]]\nname = \"family_2-x\"\nserver = \"http://10.0.0.2:3000\"\n\
             notify = \"none\"\n",
        )
        .unwrap();
        assert_eq!(
            c.accounts(),
            vec![
                Account {
                    name: "chat.example.com:8443".into(),
                    server: "https://Chat.Example.com:8443/".into(),
                    email: Some("me@example.com".into()),
                    password_command: Some("pass show vc".into()),
                    notify: None,
                },
                Account {
                    name: "work".into(),
                    server: "https://chat.work.example".into(),
                    email: Some("me@work.example".into()),
                    password_command: None,
                    notify: None,
                },
                Account {
                    name: "family_2-x".into(),
                    server: "http://10.0.0.2:3000".into(),
                    email: None,
                    password_command: None,
                    notify: Some(crate::config::NotifyLevel::None),
                },
            ]
        );
        assert_eq!(
            c.account("work").map(|a| a.server).as_deref(),
            Some("https://chat.work.example")
        );
        assert_eq!(c.account("nope"), None);
        // A single-account config is one account; none is none.
        let one = Config::parse("server = \"https://chat.example.com\"\n").unwrap();
        assert_eq!(one.accounts().len(), 1);
        assert_eq!(one.accounts()[0].name, "chat.example.com");
        assert_eq!(one.accounts()[0].email, None);
        assert!(Config::default().accounts().is_empty());
    }

    /// The example config's commented `[[account]]` tables, uncommented, are two accounts.
    #[test]
    fn the_documented_account_tables_parse() {
        let example = crate::config::example();
        let tables: String = example
            .lines()
            .skip_while(|l| *l != "# [[account]]")
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{}\n", l.trim_start_matches('#').trim()))
            .collect();
        let c = Config::parse(&tables).unwrap();
        let names: Vec<String> = c.accounts().into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["work", "family"]);
    }

    #[test]
    fn a_bad_account_table_is_an_error_naming_it() {
        let table = |body: &str| {
            Config::parse(&format!(
                "[[account]]\nname = \"ok\"\nserver = \"https://a.example\"\n[[account]]\n{body}"
            ))
            .unwrap_err()
        };
        for (body, says) in [
            (
                "server = \"https://b.example\"\n",
                "[[account]] 2: `name` is missing",
            ),
            (
                "name = \"b\"\n",
                "[[account]] 2 (\"b\"): `server` is missing",
            ),
            (
                "name = \"\"\nserver = \"https://b.example\"\n",
                "1 to 16 characters",
            ),
            (
                "name = \"a-very-long-name-x\"\nserver = \"https://b.example\"\n",
                "1 to 16 characters",
            ),
            (
                "name = \"Work\"\nserver = \"https://b.example\"\n",
                "has 'W'",
            ),
            (
                "name = \"w rk\"\nserver = \"https://b.example\"\n",
                "has ' '",
            ),
            (
                "name = \"ok\"\nserver = \"https://b.example\"\n",
                "\"ok\" is used twice",
            ),
            (
                "name = \"b\"\nserver = \"chat.example\"\n",
                "is not an http(s) address",
            ),
            (
                "name = \"b\"\nserver = \"ftp://chat.example\"\n",
                "is not an http(s) address",
            ),
            (
                "name = \"b\"\nserver = \"https://b.example\"\nemail = \"a\\u001b@b\"\n",
                "email has control characters",
            ),
            (
                "name = \"b\"\nserver = \"https://b.example\"\nnotify = \"loud\"\n",
                "notify \"loud\" must be \"all\", \"mentions\" or \"none\"",
            ),
        ] {
            let err = table(body);
            assert!(err.contains("[[account]] 2"), "{body}: {err}");
            assert!(err.contains(says), "{body}: {err}");
        }
        let unknown = table("name = \"b\"\nserver = \"https://b.example\"\npasword = \"x\"\n");
        assert!(unknown.contains("pasword"), "{unknown}");
        // Sixteen characters are fine.
        assert!(
            Config::parse(
                "[[account]]\nname = \"abcdefghijklmnop\"\nserver = \"https://a.example\"\n"
            )
            .is_ok()
        );
    }
}
