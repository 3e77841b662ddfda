//! VoceSpace meeting links (see `vocespace-links.md`): the personal signed link
//! `{base}/api/connection-details?auth=…&token=<HS256 JWT>` and the plain room link the web
//! client posts (`Join Vocespace Meeting: {base}/{space}`).
//!
//! The token is a personal credential (it joins as you): it is shown and copied on request,
//! never posted to a chat.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

/// The secret every VoceSpace deployment verifies with (raw bytes, not base64).
pub const DEFAULT_SECRET: &str = "vocespace_secret_privoce";
pub const FALLBACK_BASE: &str = "https://vocespace.com";
const INVITE_PREFIX: &str = "Join Vocespace Meeting: ";

/// Link settings from the config file.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Base URL; empty = ask the server, else vocespace.com.
    pub base_url: String,
    pub secret: String,
    /// The `auth` query value (any non-empty string takes the token path).
    pub auth: String,
    pub lifetime_secs: u64,
    pub identity: String,
    pub pre_join: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("secret", &crate::secret::REDACTED)
            .field("auth", &self.auth)
            .field("lifetime_secs", &self.lifetime_secs)
            .field("identity", &self.identity)
            .field("pre_join", &self.pre_join)
            .finish()
    }
}

impl std::fmt::Debug for CallLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallLink")
            .field("url", &crate::secret::REDACTED)
            .field("space", &self.space)
            .field("base", &self.base)
            .field("room", &self.room)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: String::new(),
            secret: DEFAULT_SECRET.into(),
            auth: "vocechat".into(),
            lifetime_secs: 3600,
            identity: "participant".into(),
            pre_join: true,
        }
    }
}

/// The claims VoceSpace reads. Times are seconds; absent optional fields are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub id: String,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub avatar: Option<String>,
    pub space: String,
    /// Left out unless asked for: with it, every entry with this token goes to that room.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub room: Option<String>,
    pub identity: String,
    #[serde(rename = "preJoin")]
    pub pre_join: bool,
    pub iat: i64,
    pub exp: i64,
}

/// The roles VoceSpace knows (its `IdentityType`). It reads any other value as a guest, so a
/// typo would quietly take the side rooms away: we refuse it instead.
pub const IDENTITIES: &[&str] = &[
    "participant",
    "guest",
    "manager",
    "owner",
    "assistant",
    "customer",
];

/// Longest sub-room name we sign (VoceSpace sets none; this keeps the token and its row in
/// VoceSpace's room list short).
pub const ROOM_NAME_MAX: usize = 64;

/// Which sub-room of the space a link enters: the token's `room` claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Room {
    /// `$empty`: any empty sub-room.
    Empty,
    /// `$space`: the space's main room.
    Main,
    /// A sub-room by name; VoceSpace creates it if it does not exist.
    Named(String),
}

impl Room {
    /// The claim's value.
    pub fn claim(&self) -> &str {
        match self {
            Room::Empty => "$empty",
            Room::Main => "$space",
            Room::Named(name) => name,
        }
    }
}

/// A name for [`Room::Named`]: not empty, at most [`ROOM_NAME_MAX`] characters, no control
/// characters or bidi overrides (it is shown in VoceSpace's room list), and no leading `$`
/// (VoceSpace gives `$empty` and `$space` their own meaning).
pub fn check_room_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the room name is empty".into());
    }
    if name.chars().any(char::is_control) || crate::sanitize::clean(name) != name {
        return Err("the room name has control characters".into());
    }
    if name.starts_with('$') {
        return Err("room names cannot start with $ (use --empty or --main)".into());
    }
    if name.chars().count() > ROOM_NAME_MAX {
        return Err(format!(
            "the room name is longer than {ROOM_NAME_MAX} characters"
        ));
    }
    Ok(())
}

/// One of [`IDENTITIES`].
pub fn check_identity(identity: &str) -> Result<(), String> {
    if IDENTITIES.contains(&identity) {
        Ok(())
    } else {
        Err(format!(
            "unknown role {:?} (one of {})",
            crate::sanitize::one_line(identity, 40),
            IDENTITIES.join(", ")
        ))
    }
}

/// What one link asks for over the config's [`Settings`]; `None` keeps the setting (and no
/// room claim at all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    pub room: Option<Room>,
    pub identity: Option<String>,
    pub pre_join: Option<bool>,
}

/// Who a link joins as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Stable per server and user ([`participant_id`]): it becomes the LiveKit identity.
    pub id: String,
    pub username: String,
    pub avatar: Option<String>,
}

/// Normalizes a base URL: keeps an `http(s)://` scheme or adds `https://`, rewrites the
/// LiveKit port 7880 to the web port 3008 (as the web client does), drops a trailing `/`.
pub fn normalize_base(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let with_scheme = if url.starts_with("http://") || url.starts_with("https://") {
        url.to_string()
    } else {
        format!("https://{url}")
    };
    Some(
        with_scheme
            .replace(":7880", ":3008")
            .trim_end_matches('/')
            .to_string(),
    )
}

/// Keeps a space name path-safe: only `[A-Za-z0-9_-]`.
pub fn safe_space(space: &str) -> String {
    space
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// `channel_<gid>` or `dm_<peer uid>` (the room the web client's plain link uses), with a
/// random suffix on the shared public vocespace.com.
pub fn space_for(channel: Option<i64>, dm_peer: Option<i64>, base: &str) -> String {
    let base_space = match (channel, dm_peer) {
        (Some(gid), _) => format!("channel_{gid}"),
        (None, Some(uid)) => format!("dm_{uid}"),
        (None, None) => "room".to_string(),
    };
    if base == FALLBACK_BASE {
        format!("{base_space}_{}", uuid::Uuid::new_v4())
    } else {
        base_space
    }
}

/// A stable participant id per server and user (two sessions with one id kick each other).
pub fn participant_id(server_id: &str, uid: i64) -> String {
    let server: String = server_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    if server.is_empty() {
        format!("vocechat_{uid}")
    } else {
        format!("vocechat_{server}_{uid}")
    }
}

/// Signs the claims with HS256 over the secret's raw bytes. The result is base64url without
/// padding (what VoceSpace's token check requires).
pub fn sign(claims: &Claims, secret: &str) -> Result<String, String> {
    super::jwt::install();
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("JWT".into());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| format!("could not sign the meeting link: {e}"))
}

/// `{base}/api/connection-details?auth=<auth>&token=<jwt>`.
pub fn personal_link(base: &str, auth: &str, token: &str) -> String {
    let auth: String = url::form_urlencoded::byte_serialize(auth.as_bytes()).collect();
    format!("{base}/api/connection-details?auth={auth}&token={token}")
}

/// The message the web client posts to invite others.
pub fn invite_text(base: &str, space: &str) -> String {
    format!("{INVITE_PREFIX}{base}/{space}")
}

/// (base, space) of a posted invite, if a message is one.
pub fn parse_invite(text: &str) -> Option<(String, String)> {
    let url = text.trim().strip_prefix(INVITE_PREFIX)?.trim();
    let (base, space) = url.rsplit_once('/')?;
    let base = normalize_base(base)?;
    let space = safe_space(space);
    (url.starts_with("http") && !space.is_empty() && base.matches('/').count() == 2)
        .then_some((base, space))
}

/// Refuses to sign for an invite that names another VoceSpace than `allowed` (the configured
/// or server-provided one): a personal token sent to a stranger's host lets it join as you.
pub fn check_invite_base(invite_base: &str, allowed: &str) -> Result<(), String> {
    let origin = |u: &str| {
        url::Url::parse(u)
            .ok()
            .map(|u| u.origin().ascii_serialization())
    };
    match (origin(invite_base), origin(allowed)) {
        (Some(a), Some(b)) if a == b => Ok(()),
        _ => Err(format!(
            "this invite is for {}, not your VoceSpace ({}): no personal link is made for another host",
            crate::sanitize::one_line(invite_base, 60),
            crate::sanitize::one_line(allowed, 60)
        )),
    }
}

/// A ready link to show the user. `Debug` hides the URL: its token joins as you.
#[derive(Clone, PartialEq, Eq)]
pub struct CallLink {
    pub url: String,
    pub space: String,
    pub base: String,
    /// The sub-room the token asks for, if any (shown with the link).
    pub room: Option<Room>,
    /// Expiry in seconds since the epoch.
    pub expires_at: i64,
}

/// Builds the personal link for `space` at `base`: the config's settings, with the call's
/// options over them. An option that does not pass its check is refused, not signed.
pub fn make_link(
    settings: &Settings,
    options: &CallOptions,
    base: &str,
    space: &str,
    who: Participant,
    now_secs: i64,
) -> Result<CallLink, String> {
    if let Some(Room::Named(name)) = &options.room {
        check_room_name(name)?;
    }
    let identity = options.identity.as_ref().unwrap_or(&settings.identity);
    if options.identity.is_some() {
        check_identity(identity)?;
    }
    let claims = Claims {
        id: who.id,
        username: who.username,
        avatar: who.avatar,
        space: safe_space(space),
        room: options.room.as_ref().map(|r| r.claim().to_string()),
        identity: identity.clone(),
        pre_join: options.pre_join.unwrap_or(settings.pre_join),
        iat: now_secs,
        exp: now_secs
            .saturating_add(i64::try_from(settings.lifetime_secs.max(60)).unwrap_or(i64::MAX)),
    };
    let token = sign(&claims, &settings.secret)?;
    let auth = if settings.auth.trim().is_empty() {
        "vocechat"
    } else {
        settings.auth.trim()
    };
    Ok(CallLink {
        url: personal_link(base, auth, &token),
        space: claims.space,
        base: base.to_string(),
        room: options.room.clone(),
        expires_at: claims.exp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secret_and_the_signed_link() {
        let settings = Settings {
            secret: "s3cr3t-signing-key".into(),
            ..Settings::default()
        };
        let who = Participant {
            id: "id".into(),
            username: "ada".into(),
            avatar: None,
        };
        let options = CallOptions::default();
        let link = make_link(
            &settings,
            &options,
            "https://meet.example.com",
            "dm_2",
            who,
            1_000,
        )
        .unwrap();
        let shown = format!("{settings:?} {link:?}");
        assert!(!shown.contains("s3cr3t-signing-key"), "{shown}");
        assert!(!shown.contains(&link.url), "{shown}");
    }

    #[test]
    fn room_names_and_roles_are_checked() {
        assert_eq!(check_room_name("Design review"), Ok(()));
        assert_eq!(check_room_name("会议室"), Ok(()));
        assert_eq!(check_room_name(&"r".repeat(ROOM_NAME_MAX)), Ok(()));
        for (bad, why) in [
            ("", "empty"),
            ("  ", "empty"),
            ("a\x1b]0;x\x07", "control"),
            ("a\nb", "control"),
            ("a\u{9b}b", "control"),
            ("a\u{202e}b", "control"),
            ("$empty", "$"),
            ("$anything", "$"),
        ] {
            let err = check_room_name(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        assert!(check_room_name(&"r".repeat(ROOM_NAME_MAX + 1)).is_err());
        for role in IDENTITIES {
            assert_eq!(check_identity(role), Ok(()));
        }
        let err = check_identity("Participant").unwrap_err();
        assert!(
            err.contains("unknown role") && err.contains("participant, guest"),
            "{err}"
        );
        assert_eq!(Room::Empty.claim(), "$empty");
        assert_eq!(Room::Main.claim(), "$space");
        assert_eq!(Room::Named("standup".into()).claim(), "standup");
    }

    #[test]
    fn invites_for_another_host_are_refused() {
        let allowed = "https://meet.example.com";
        assert!(check_invite_base("https://meet.example.com", allowed).is_ok());
        for other in [
            "https://attacker.example",
            "http://meet.example.com",
            "https://meet.example.com:8443",
            "https://meet.example.com.attacker.example",
        ] {
            let err = check_invite_base(other, allowed).unwrap_err();
            assert!(err.contains("not your VoceSpace"), "{other}: {err}");
        }
        let (base, _) =
            parse_invite("Join Vocespace Meeting: https://attacker.example/channel_1").unwrap();
        assert!(check_invite_base(&base, allowed).is_err());
    }

    #[test]
    fn bases_are_normalized_like_the_web_client() {
        assert_eq!(
            normalize_base("meet.example.com:7880/").as_deref(),
            Some("https://meet.example.com:3008")
        );
        assert_eq!(
            normalize_base("http://10.0.0.1:3000").as_deref(),
            Some("http://10.0.0.1:3000")
        );
        assert_eq!(normalize_base("  "), None);
    }

    #[test]
    fn spaces_and_ids() {
        assert_eq!(
            space_for(Some(5), None, "https://m.example.com"),
            "channel_5"
        );
        assert_eq!(space_for(None, Some(7), "https://m.example.com"), "dm_7");
        let shared = space_for(Some(5), None, FALLBACK_BASE);
        assert!(shared.starts_with("channel_5_") && shared.len() > 40);
        assert_eq!(safe_space("a/b?c#d e"), "abcde");
        assert_eq!(
            participant_id("3ZNIFMJhvgcbDolBwgkILLzebE9GR0KM", 42),
            "vocechat_3ZNIFMJhvgcb_42"
        );
    }

    #[test]
    fn invites_round_trip() {
        let text = invite_text("https://meet.example.com", "channel_5");
        assert_eq!(
            text,
            "Join Vocespace Meeting: https://meet.example.com/channel_5"
        );
        assert_eq!(
            parse_invite(&text),
            Some(("https://meet.example.com".into(), "channel_5".into()))
        );
        assert_eq!(
            parse_invite("Join Vocespace Meeting: https://vocespace.com/dm_3_abc-1"),
            Some(("https://vocespace.com".into(), "dm_3_abc-1".into()))
        );
        assert_eq!(parse_invite("hello"), None);
        assert_eq!(parse_invite("Join Vocespace Meeting: not a url"), None);
    }
}
