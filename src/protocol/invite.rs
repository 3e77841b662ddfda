//! Invite and login links (protocol §2.8, newer-servers §14): the link an admin makes with
//! `create_reg_magic_link` (`<frontend>/?magic_token=…#/register`) and the e-mailed login link
//! (`<frontend>/#/login?magic_token=…`), read from the command line; and the request bodies that
//! use their token: `check_magic_token` and `register`.
//!
//! A magic token is a credential: it is kept in a [`Secret`] and every type here that holds one
//! has a redacting `Debug`.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// An invitation: register a new account with the token.
    Register,
    /// An e-mailed login link: log in without a password.
    Login,
}

/// A link pasted on the command line: the server it came from, its token and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteLink {
    /// The server's address: the link without its query and fragment (`https://chat.example.com/`).
    pub server: String,
    pub token: Secret,
    pub kind: LinkKind,
}

/// The longest token taken from a link (real ones are a few hundred characters).
const MAX_TOKEN: usize = 4096;

/// Reads an invite or login link; `None` for anything else (a plain server address, another
/// scheme, a link without a token, a private-channel invite, which needs an account).
///
/// The token may sit in the query (`/?magic_token=…#/register`, what 0.3.3 makes) or in the
/// fragment's query (`/#/register?magic_token=…`, what the web client shows); the fragment's
/// route says what the link is for, a register link when it names none.
pub fn parse_link(arg: &str) -> Option<InviteLink> {
    let url = url::Url::parse(arg.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let fragment = url.fragment().unwrap_or("");
    let route = fragment.split_once('?').map_or(fragment, |(r, _)| r);
    let route = route.trim_matches('/');
    let token = magic_token(&url)?;
    let kind = match route.split('/').next().unwrap_or("") {
        "login" => LinkKind::Login,
        "" | "register" => LinkKind::Register,
        _ => return None,
    };
    let mut server = url.clone();
    server.set_query(None);
    server.set_fragment(None);
    let _ = server.set_username("");
    let _ = server.set_password(None);
    Some(InviteLink {
        server: server.to_string(),
        token: Secret::new(token),
        kind,
    })
}

/// A link's `magic_token`, percent-decoded: from its query, else from its fragment's query
/// (`#/route?magic_token=…`). Only that exact key counts (`xmagic_token=` is another); an
/// empty, over-long or control-character token is none.
pub fn magic_token(url: &url::Url) -> Option<String> {
    let from_query = url
        .query_pairs()
        .find(|(k, _)| k == "magic_token")
        .map(|(_, v)| v.into_owned());
    let token = from_query.or_else(|| {
        let fragment = url.fragment().unwrap_or("");
        let (_, fragment_query) = fragment.split_once('?')?;
        url::form_urlencoded::parse(fragment_query.as_bytes())
            .find(|(k, _)| k == "magic_token")
            .map(|(_, v)| v.into_owned())
    })?;
    let token = token.trim();
    if token.is_empty() || token.len() > MAX_TOKEN || token.chars().any(char::is_control) {
        return None;
    }
    Some(token.to_string())
}

/// A server address as the client reaches it: `https://` when it names no scheme.
fn server_url(server: &str) -> Option<url::Url> {
    let trimmed = server.trim();
    let url = if trimmed.contains("://") {
        url::Url::parse(trimmed)
    } else {
        url::Url::parse(&format!("https://{trimmed}"))
    }
    .ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some()).then_some(url)
}

/// Whether two server addresses are the same origin: scheme, host and port (default ports
/// and letter case normalized; the path does not count).
pub fn same_origin(a: &str, b: &str) -> bool {
    match (server_url(a), server_url(b)) {
        (Some(a), Some(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// Whether two server addresses name the same host and port (`http` and `https` on their
/// default ports count as the same).
pub fn same_host(a: &str, b: &str) -> bool {
    match (server_url(a), server_url(b)) {
        (Some(a), Some(b)) => a.host() == b.host() && a.port() == b.port(),
        _ => false,
    }
}

/// `link` with the scheme, host and port of `server` (its path, query and fragment kept): a
/// link the server made names the address the server believes it has, often an internal
/// one behind a proxy; the web client shows it on its own origin, and so does this client.
pub fn on_origin(link: &str, server: &str) -> Option<String> {
    let link = url::Url::parse(link.trim()).ok()?;
    if !matches!(link.scheme(), "http" | "https") {
        return None;
    }
    let mut out = server_url(server)?;
    let _ = out.set_username("");
    let _ = out.set_password(None);
    out.set_path(link.path());
    out.set_query(link.query());
    out.set_fragment(link.fragment());
    Some(out.to_string())
}

/// The e-mail and password command a link's login form is given from the config: only for
/// the configured server. A link is someone else's text: a refused login link gives way to
/// the password form, which would run the command and send the password to the link's host.
pub fn config_login_for(
    link: &InviteLink,
    configured_server: Option<&str>,
    email: Option<String>,
    password_command: Option<String>,
) -> (Option<String>, Option<String>) {
    if configured_server.is_some_and(|s| same_origin(s, &link.server)) {
        (email, password_command)
    } else {
        (None, None)
    }
}

/// What the program starts with, from its server argument or `VOCECHAT_LINK`.
#[derive(Debug, PartialEq, Eq)]
pub enum StartWith {
    /// An invite or login link.
    Link(InviteLink),
    /// A server address, or none (the config's).
    Server(Option<String>),
}

/// Reads the server argument and the `VOCECHAT_LINK` variable (a link there stays out of
/// `ps` and the shell's history). Anything holding a `magic_token` that is no invite or
/// login link is refused, so a token never becomes a server address, a label or an error
/// text; the refusals never repeat the link.
pub fn start_with(arg: Option<&str>, env_link: Option<&str>) -> Result<StartWith, String> {
    let env_link = env_link.filter(|l| !l.trim().is_empty());
    match (arg, env_link) {
        (Some(_), Some(_)) => Err(
            "VOCECHAT_LINK is set: give no server or link on the command line too (or unset it)"
                .into(),
        ),
        (None, Some(link)) => parse_link(link)
            .map(StartWith::Link)
            .ok_or_else(|| not_a_link(link, "VOCECHAT_LINK")),
        (Some(arg), None) => match parse_link(arg) {
            Some(link) => Ok(StartWith::Link(link)),
            None if arg.contains("magic_token") => Err(not_a_link(arg, "the argument")),
            None => Ok(StartWith::Server(Some(arg.to_string()))),
        },
        (None, None) => Ok(StartWith::Server(None)),
    }
}

/// Why `link` (from `whence`) cannot start the program, without the link itself.
fn not_a_link(link: &str, whence: &str) -> String {
    if link.contains("invite_private") {
        return format!(
            "{whence} is an invite to a private channel: log in, then /join <link> in the chat"
        );
    }
    format!(
        "{whence} is not an invite or login link vocechat-tui can use \
         (…/?magic_token=…#/register or …/#/login?magic_token=…, a token of at most {MAX_TOKEN} bytes)"
    )
}

/// `POST /api/user/check_magic_token` (answer: a bare JSON bool).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckMagicToken {
    pub magic_token: String,
}

impl std::fmt::Debug for CheckMagicToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckMagicToken")
            .field("magic_token", &crate::secret::REDACTED)
            .finish()
    }
}

/// `POST /api/user/register` (protocol §2.8); the answer is a `LoginResponse`. The web client
/// always sends `gender: 0`; `language` is left to the server's default.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    #[serde(default)]
    pub magic_token: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub gender: i32,
    #[serde(default = "unknown_device")]
    pub device: String,
}

fn unknown_device() -> String {
    "unknown".into()
}

impl std::fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterRequest")
            .field(
                "magic_token",
                &self.magic_token.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field("email", &self.email)
            .field(
                "password",
                &self.password.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field("name", &self.name)
            .field("gender", &self.gender)
            .field("device", &self.device)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_from_the_server_and_the_web_client_are_read() {
        // What 0.3.3's create_reg_magic_link answers.
        let l = parse_link("https://chat.example.com/?magic_token=abc.DEF-1#/register").unwrap();
        assert_eq!(
            (l.server.as_str(), l.token.expose(), l.kind),
            ("https://chat.example.com/", "abc.DEF-1", LinkKind::Register)
        );
        // The web client's form, with a port and a path prefix.
        let l = parse_link("http://10.0.0.5:3000/vc/#/register?magic_token=t%2B1").unwrap();
        assert_eq!(
            (l.server.as_str(), l.token.expose(), l.kind),
            ("http://10.0.0.5:3000/vc/", "t+1", LinkKind::Register)
        );
        // The e-mailed login link, either way round.
        let l = parse_link("https://chat.example.com/#/login?magic_token=xyz").unwrap();
        assert_eq!((l.token.expose(), l.kind), ("xyz", LinkKind::Login));
        let l = parse_link("https://chat.example.com/?magic_token=xyz#/login").unwrap();
        assert_eq!(l.kind, LinkKind::Login);
        // No route: an invitation.
        let l = parse_link("https://chat.example.com/?magic_token=q").unwrap();
        assert_eq!(l.kind, LinkKind::Register);
        // Credentials in the link never become part of the server address.
        let l = parse_link("https://u:p@chat.example.com/?magic_token=q").unwrap();
        assert_eq!(l.server, "https://chat.example.com/");
    }

    #[test]
    fn anything_else_is_not_a_link() {
        for not in [
            "https://chat.example.com",
            "chat.example.com",
            "https://chat.example.com/?magic_token=#/register",
            "ftp://chat.example.com/?magic_token=x",
            "https://chat.example.com/#/invite_private/3?magic_token=x",
            "https://chat.example.com/?magic_token=a%0Ab",
            "",
        ] {
            assert_eq!(parse_link(not), None, "{not}");
        }
        let long = format!("https://x.org/?magic_token={}", "a".repeat(5000));
        assert_eq!(parse_link(&long), None);
    }

    #[test]
    fn origins_and_hosts_are_compared_normalized() {
        assert!(same_origin(
            "chat.example.com",
            "https://CHAT.example.com:443/x/"
        ));
        assert!(same_origin(
            "http://10.0.0.5:3000",
            "http://10.0.0.5:3000/vc/?magic_token=t#/login"
        ));
        for (a, b) in [
            ("https://chat.example.com", "http://chat.example.com"),
            ("https://chat.example.com", "https://chat.example.com:8443"),
            ("https://chat.example.com", "https://evil.example/"),
            ("https://chat.example.com", "not a url at all"),
        ] {
            assert!(!same_origin(a, b), "{a} {b}");
        }
        assert!(same_host(
            "https://chat.example.com/",
            "http://chat.example.com/#/x"
        ));
        assert!(!same_host(
            "http://127.0.0.1:3000/",
            "http://127.0.0.1:3001/"
        ));
        assert!(!same_host(
            "https://chat.example.com/",
            "https://chat.example.com.evil/"
        ));
    }

    #[test]
    fn a_link_is_rebuilt_on_the_accounts_origin() {
        assert_eq!(
            on_origin(
                "http://10.0.0.9:3000/#/invite_private/2?magic_token=ab",
                "https://chat.example.com/"
            )
            .as_deref(),
            Some("https://chat.example.com/#/invite_private/2?magic_token=ab")
        );
        assert_eq!(
            on_origin(
                "https://internal/invite_private/2?magic_token=ab",
                "chat.example.com:8443"
            )
            .as_deref(),
            Some("https://chat.example.com:8443/invite_private/2?magic_token=ab")
        );
        assert_eq!(
            on_origin("javascript:alert(1)", "https://chat.example.com/"),
            None
        );
        assert_eq!(on_origin("no link", "https://chat.example.com/"), None);
    }

    #[test]
    fn the_configs_login_goes_only_to_the_configured_server() {
        let link = parse_link("https://chat.example.com/#/login?magic_token=t").unwrap();
        let given = || {
            (
                Some("me@x.org".to_string()),
                Some("pass show vc".to_string()),
            )
        };
        let (e, p) = given();
        assert_eq!(
            config_login_for(&link, Some("chat.example.com"), e, p),
            given()
        );
        for configured in [
            None,
            Some("https://other.example/"),
            Some("http://chat.example.com"),
        ] {
            let (e, p) = given();
            assert_eq!(
                config_login_for(&link, configured, e, p),
                (None, None),
                "{configured:?}"
            );
        }
    }

    #[test]
    fn the_start_argument_never_turns_a_token_into_a_server() {
        let link = "https://chat.example.com/?magic_token=s3cr3t-token#/register";
        assert!(matches!(
            start_with(Some(link), None),
            Ok(StartWith::Link(_))
        ));
        assert!(matches!(
            start_with(None, Some(link)),
            Ok(StartWith::Link(_))
        ));
        assert_eq!(
            start_with(Some("chat.example.com"), None),
            Ok(StartWith::Server(Some("chat.example.com".into())))
        );
        assert_eq!(start_with(None, None), Ok(StartWith::Server(None)));
        assert_eq!(start_with(None, Some(" ")), Ok(StartWith::Server(None)));
        let private = "https://chat.example.com/#/invite_private/3?magic_token=s3cr3t-token";
        let long = format!(
            "https://x.org/?magic_token=s3cr3t-token{}",
            "a".repeat(5000)
        );
        for (arg, env, says) in [
            (Some(private), None, "log in, then /join <link>"),
            (None, Some(private), "log in, then /join <link>"),
            (
                Some("https://chat.example.com/#/elsewhere?magic_token=s3cr3t-token"),
                None,
                "not an invite or login link",
            ),
            (Some(long.as_str()), None, "at most 4096 bytes"),
            (None, Some("s3cr3t-token"), "not an invite or login link"),
            (Some("chat.example.com"), Some(link), "VOCECHAT_LINK is set"),
        ] {
            let why = start_with(arg, env).unwrap_err();
            assert!(why.contains(says) && !why.contains("s3cr3t"), "{why}");
        }
    }

    #[test]
    fn tokens_never_reach_debug_output() {
        let l = parse_link("https://x.org/?magic_token=s3cr3t-token").unwrap();
        assert!(!format!("{l:?}").contains("s3cr3t"));
        let r = RegisterRequest {
            magic_token: Some("s3cr3t-token".into()),
            email: Some("a@b.c".into()),
            password: Some("pw-secret".into()),
            name: Some("ann".into()),
            gender: 0,
            device: "tui:x".into(),
        };
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("pw-secret"),
            "{shown}"
        );
        let c = CheckMagicToken {
            magic_token: "s3cr3t-token".into(),
        };
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn the_register_body_is_what_the_web_client_sends() {
        let r = RegisterRequest {
            magic_token: Some("t".into()),
            email: Some("a@b.c".into()),
            password: Some("pw".into()),
            name: Some("ann".into()),
            gender: 0,
            device: "tui:x".into(),
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"magic_token":"t","email":"a@b.c","password":"pw","name":"ann","gender":0,"device":"tui:x"})
        );
        // The recorded 0.3.3 body (no token) reads too.
        let r: RegisterRequest = serde_json::from_value(
            json!({"email":"c@x.org","password":"p","name":"carol","gender":1,"language":"en-US","device":"tui:c"}),
        )
        .unwrap();
        assert_eq!((r.magic_token, r.gender), (None, 1));
    }
}
