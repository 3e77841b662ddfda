//! Contacts, user search and private-channel invite links of newer servers
//! (`vocechat-newer-servers.md` §5, §13): the request bodies, the contact actions and
//! statuses, and reading a pasted invite link. 0.3.3 has none of these routes.

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

/// A private channel's invite link as pasted: the channel and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateInvite {
    pub gid: Option<i64>,
    pub magic_token: String,
}

/// Reads `https://host/#/invite_private/5?magic_token=…` (the web client's form) or
/// `https://host/invite_private/5?magic_token=…` (the app's): the token from the query or the
/// fragment, the channel from the segment after `invite_private`. A token is URL-safe text
/// of bounded length; anything else is no invite.
pub fn parse_private_invite(link: &str) -> Option<PrivateInvite> {
    let link = link.trim();
    let start = link.find("magic_token=")? + "magic_token=".len();
    let token: String = link[start..]
        .chars()
        .take_while(|c| !matches!(c, '&' | '#' | '/' | '?') && !c.is_whitespace())
        .collect();
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '%');
    if token.is_empty() || token.len() > 2048 || !token.chars().all(safe) {
        return None;
    }
    let gid = link.find("invite_private/").and_then(|at| {
        let digits: String = link[at + "invite_private/".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    });
    Some(PrivateInvite {
        gid,
        magic_token: token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_links_of_the_web_client_and_the_app_are_read() {
        assert_eq!(
            parse_private_invite("https://chat.example.com/#/invite_private/5?magic_token=ab12"),
            Some(PrivateInvite {
                gid: Some(5),
                magic_token: "ab12".into()
            })
        );
        assert_eq!(
            parse_private_invite(" https://c.example/invite_private/226?magic_token=f0&x=1 "),
            Some(PrivateInvite {
                gid: Some(226),
                magic_token: "f0".into()
            })
        );
        assert_eq!(
            parse_private_invite("https://c.example/?magic_token=zz#/invite_private/7"),
            Some(PrivateInvite {
                gid: Some(7),
                magic_token: "zz".into()
            })
        );
        for bad in [
            "",
            "https://c.example/#/invite_private/5",
            "magic_token=",
            "https://c.example/?magic_token=a\u{1b}[2J",
        ] {
            assert_eq!(parse_private_invite(bad), None, "{bad:?}");
        }
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
