//! Contacts, user search and private-channel invite links of newer servers
//! (`vocechat-newer-servers.md` §5, §13): the request bodies, the contact actions and
//! statuses, and reading a pasted invite link. 0.3.3 has none of these routes.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// The invite link endpoint answers plain text (the web client asks for it so).
pub const INVITE_LINK_ACCEPT: &str = "text/plain";

/// What `/contact` asks the server to do (`POST /user/update_contact_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactAction {
    Add,
    Remove,
    Block,
    Unblock,
}

impl ContactAction {
    pub fn parse(word: &str) -> Option<ContactAction> {
        Some(match word {
            "add" => ContactAction::Add,
            "remove" => ContactAction::Remove,
            "block" => ContactAction::Block,
            "unblock" => ContactAction::Unblock,
            _ => return None,
        })
    }

    /// The status a 200 leaves (as the web client sets it): `added`, `blocked` or none.
    pub fn status_after(self) -> &'static str {
        match self {
            ContactAction::Add => "added",
            ContactAction::Block => "blocked",
            ContactAction::Remove | ContactAction::Unblock => "",
        }
    }
}

/// Body of `POST /user/update_contact_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateContactStatus {
    pub action: ContactAction,
    pub target_uid: i64,
}

/// What `/user/search` looks a user up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchType {
    Id,
    Email,
    Name,
}

/// Body of `POST /user/search` (the keyword is a string, also for an id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSearch {
    pub search_type: SearchType,
    pub keyword: String,
}

/// Body of `POST /user/join_private` (and of `check_magic_token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MagicToken {
    pub magic_token: String,
}

/// A private channel's invite link as pasted: where it is from, the channel and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateInvite {
    /// The link's scheme, host and port (`https://chat.example.com/`): its token is for the
    /// server there.
    pub origin: String,
    pub gid: Option<i64>,
    pub magic_token: Secret,
}

/// Reads `https://host/#/invite_private/5?magic_token=…` (the web client's form) or
/// `https://host/invite_private/5?magic_token=…` (the app's): the token from the query or the
/// fragment (percent-decoded, `magic_token` exactly), the channel from the segment after
/// `invite_private` in the path or the fragment. Anything else is no invite.
pub fn parse_private_invite(link: &str) -> Option<PrivateInvite> {
    let url = url::Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let token = super::invite::magic_token(&url)?;
    let fragment = url.fragment().unwrap_or("");
    let route = fragment.split_once('?').map_or(fragment, |(r, _)| r);
    let after = |path: &str| -> Option<i64> {
        let mut segments = path.split('/');
        segments.find(|s| *s == "invite_private")?;
        segments.next()?.parse().ok()
    };
    let gid = after(url.path()).or_else(|| after(route));
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    let _ = origin.set_username("");
    let _ = origin.set_password(None);
    Some(PrivateInvite {
        origin: origin.to_string(),
        gid,
        magic_token: Secret::new(token),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_links_of_the_web_client_and_the_app_are_read() {
        let read = |l: &str| {
            parse_private_invite(l).map(|i| (i.origin, i.gid, i.magic_token.into_inner()))
        };
        assert_eq!(
            read("https://chat.example.com/#/invite_private/5?magic_token=ab12"),
            Some(("https://chat.example.com/".into(), Some(5), "ab12".into()))
        );
        assert_eq!(
            read(" https://c.example:8443/vc/invite_private/226?magic_token=f0&x=1 "),
            Some(("https://c.example:8443/".into(), Some(226), "f0".into()))
        );
        assert_eq!(
            read("https://c.example/?magic_token=zz#/invite_private/7"),
            Some(("https://c.example/".into(), Some(7), "zz".into()))
        );
        // Percent-escapes are decoded; only the key `magic_token` counts.
        assert_eq!(
            read("https://c.example/#/invite_private/5?xmagic_token=no&magic_token=a%2Bb"),
            Some(("https://c.example/".into(), Some(5), "a+b".into()))
        );
        for bad in [
            "",
            "https://c.example/#/invite_private/5",
            "https://c.example/#/invite_private/5?xmagic_token=ab",
            "magic_token=",
            "ftp://c.example/?magic_token=ab",
            "https://c.example/?magic_token=a\u{1b}[2J",
        ] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
        let token = parse_private_invite("https://c.example/?magic_token=s3cr3t-token").unwrap();
        assert!(!format!("{token:?}").contains("s3cr3t"));
    }

    #[test]
    fn requests_have_the_web_clients_shapes() {
        let body = UpdateContactStatus {
            action: ContactAction::Block,
            target_uid: 3,
        };
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            serde_json::json!({"action": "block", "target_uid": 3})
        );
        let search = UserSearch {
            search_type: SearchType::Id,
            keyword: "3".into(),
        };
        assert_eq!(
            serde_json::to_value(search).unwrap(),
            serde_json::json!({"search_type": "id", "keyword": "3"})
        );
        assert_eq!(
            ContactAction::parse("unblock"),
            Some(ContactAction::Unblock)
        );
        assert_eq!(ContactAction::Unblock.status_after(), "");
    }
}
