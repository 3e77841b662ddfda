//! Contacts on newer servers (`vocechat-newer-servers.md` §5): the list read after every
//! connect, `/contact add|remove|block|unblock @name`, `/find name|email|id <text>`, and why
//! the server refused a message (a 403 on a direct message says "direct messages are
//! disabled" or "blocked, or not a contact"; a 403 in a channel only its owner may post in
//! says so). Each hides itself where the server lacks it (0.3.3: the list answers 400).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns your contacts' statuses (`chat.contacts`); the messages that change them
//! (`ContactsMsg::List`, `ContactsMsg::StatusSet`) and the user search's answer are handled
//! here. Private invite links are `invite.rs`.

use super::{App, Effect, Failure, Info, Outcome};
use crate::model::{ConvKey, Feature, Support};
use crate::protocol::ApiError;
use crate::protocol::contacts::{ContactAction, SearchType, UserSearch};
use crate::protocol::newer::ContactEntry;
use crate::protocol::types::{Group, UserInfo};
use crate::secret::Secret;

/// What the server answered to a contacts, user search or invite link request.
#[derive(Debug, Clone, PartialEq)]
pub enum ContactsMsg {
    /// `GET /user/contacts`.
    List(Outcome<Vec<ContactEntry>>),
    /// `POST /user/update_contact_status`.
    StatusSet {
        uid: i64,
        action: ContactAction,
        result: Outcome<()>,
    },
    /// `POST /user/search`: the user, or nobody.
    Found(Outcome<Option<UserInfo>>),
    /// `GET /group/create_invite_private_magic_link`: the link (a token: `Debug` hides it).
    InviteLink { gid: i64, result: Outcome<Secret> },
    /// `POST /user/join_private`: the channel joined.
    Joined(Outcome<Group>),
}

/// A contacts, user search or invite link request.
#[derive(Debug, Clone, PartialEq)]
pub enum ContactsEffect {
    FetchList,
    SetStatus {
        uid: i64,
        action: ContactAction,
    },
    Search(UserSearch),
    InviteLink {
        gid: i64,
        expired_in: i64,
        max_times: i64,
    },
    /// The pasted link's token (`Debug` hides it).
    JoinPrivate {
        magic_token: Secret,
    },
}

impl App {
    /// After a (re)connect once the server is known: read the contacts where it has them.
    pub(super) fn fetch_contacts(&self) -> Vec<Effect> {
        if self.chat.me.is_none() || !self.offers(Feature::Contacts) {
            return vec![];
        }
        vec![Effect::Contacts(ContactsEffect::FetchList)]
    }

    /// After a reconnect: read them again where the server has shown it has them.
    pub(super) fn refetch_contacts(&self) -> Vec<Effect> {
        if self.chat.server.support(Feature::Contacts) != Support::Yes {
            return vec![];
        }
        self.fetch_contacts()
    }

    pub(super) fn on_contacts(&mut self, msg: ContactsMsg) -> Vec<Effect> {
        match msg {
            ContactsMsg::List(Ok(entries)) => {
                self.chat.load_contacts(entries);
                self.supported(Feature::Contacts)
            }
            ContactsMsg::List(Err(e)) => self.refused(Feature::Contacts, &e, "contacts", true),
            ContactsMsg::StatusSet {
                uid,
                action,
                result,
            } => self.on_status_set(uid, action, result),
            ContactsMsg::Found(result) => self.on_found(result),
            ContactsMsg::InviteLink { gid, result } => self.on_invite_link(gid, result),
            ContactsMsg::Joined(result) => self.on_joined(result),
        }
    }

    /// A newer endpoint failed: absent (hidden from now on), or an error worth saying. A 400
    /// means absent only where the route collides with a 0.3.3 path parameter (`collides`);
    /// elsewhere 0.3.3 answers 404 and a 400 is about the request.
    pub(super) fn refused(
        &mut self,
        f: Feature,
        e: &Failure,
        what: &str,
        collides: bool,
    ) -> Vec<Effect> {
        let bad_request = matches!(e, Failure::Api(ApiError::BadRequest(_)));
        if e.is_unsupported() && (collides || !bad_request) {
            return self.unsupported(f);
        }
        self.error(format!("{what}: {e}"));
        self.on_failure(e);
        vec![]
    }

    /// `/contact add|remove|block|unblock @name`.
    pub(super) fn contact_command(&mut self, args: &[&str]) -> Vec<Effect> {
        if !self.offers(Feature::Contacts) {
            self.error("this server has no contacts");
            return vec![];
        }
        let (Some(action), [who]) = (
            args.first().and_then(|a| ContactAction::parse(a)),
            args.get(1..).unwrap_or_default(),
        ) else {
            self.error("/contact add|remove|block|unblock @name");
            return vec![];
        };
        let switches = self.chat.server.switches();
        let admin = self
            .chat
            .me
            .and_then(|me| self.chat.users.get(&me))
            .is_some_and(|u| u.is_admin);
        if action == ContactAction::Add && !switches.add_friend_enabled() && !admin {
            self.error("adding contacts is disabled by the server's administrator");
            return vec![];
        }
        match self.resolve_users(&[who]).as_deref() {
            Ok([uid]) if Some(*uid) == self.chat.me => {
                self.error("/contact: that is you");
                vec![]
            }
            Ok([uid]) => vec![Effect::Contacts(ContactsEffect::SetStatus {
                uid: *uid,
                action,
            })],
            Ok(_) => vec![],
            Err(e) => {
                self.error(e.clone());
                vec![]
            }
        }
    }

    fn on_status_set(
        &mut self,
        uid: i64,
        action: ContactAction,
        result: Outcome<()>,
    ) -> Vec<Effect> {
        let name = crate::sanitize::one_line(&self.chat.user_name(uid), 40);
        match result {
            Ok(()) => {
                self.chat.contacts.set(uid, action.status_after());
                self.info(match action {
                    ContactAction::Add => format!("{name} is a contact now"),
                    ContactAction::Remove => format!("{name} is no longer a contact"),
                    ContactAction::Block => format!("blocked {name}"),
                    ContactAction::Unblock => format!("unblocked {name}"),
                });
                self.supported(Feature::Contacts)
            }
            Err(Failure::Api(ApiError::Disabled(_))) => {
                self.error("adding contacts is disabled by the server's administrator");
                vec![]
            }
            Err(e) => self.refused(Feature::Contacts, &e, "/contact", false),
        }
    }

    /// `/find name|email|id <text>`.
    pub(super) fn find_command(&mut self, line: &str) -> Vec<Effect> {
        if !self.offers(Feature::UserSearch) {
            self.error("this server has no user search");
            return vec![];
        }
        let admin = self
            .chat
            .me
            .and_then(|me| self.chat.users.get(&me))
            .is_some_and(|u| u.is_admin);
        if !self.chat.server.switches().search_user_enabled() && !admin {
            self.error("user search is disabled by the server's administrator");
            return vec![];
        }
        let rest = line.trim_start().strip_prefix("find").unwrap_or("").trim();
        let (kind, keyword) = rest.split_once(' ').unwrap_or((rest, ""));
        let search_type = match kind {
            "name" => SearchType::Name,
            "email" => SearchType::Email,
            "id" => SearchType::Id,
            _ => {
                self.error("/find name|email|id <text>");
                return vec![];
            }
        };
        let keyword = keyword.trim().trim_start_matches('@');
        if keyword.is_empty() || keyword.len() > 200 {
            self.error("/find name|email|id <text>");
            return vec![];
        }
        vec![Effect::Contacts(ContactsEffect::Search(UserSearch {
            search_type,
            keyword: keyword.to_string(),
        }))]
    }

    fn on_found(&mut self, result: Outcome<Option<UserInfo>>) -> Vec<Effect> {
        match result {
            Ok(None) => {
                self.info("/find: nobody found");
                self.supported(Feature::UserSearch)
            }
            Ok(Some(user)) => {
                let uid = user.uid;
                let name = crate::sanitize::one_line(&user.name, 40);
                self.chat.users.entry(uid).or_insert(user);
                let mut lines = vec![format!("@{name} (@uid:{uid})")];
                lines.push(match self.chat.contacts.status(uid) {
                    Some(crate::model::ContactStatus::Added) => "a contact".into(),
                    Some(crate::model::ContactStatus::Blocked) => "blocked".into(),
                    None => format!("not a contact: /contact add @{name}"),
                });
                if self.chat.dm_offered(uid) {
                    lines.push("the switcher opens a direct message".into());
                }
                self.popups.push(Info {
                    title: "found".into(),
                    lines,
                });
                self.supported(Feature::UserSearch)
            }
            Err(Failure::Api(ApiError::Disabled(_))) => {
                self.error("user search is disabled by the server's administrator");
                vec![]
            }
            Err(e) => self.refused(Feature::UserSearch, &e, "/find", false),
        }
    }

    /// Why the server refused a message to `key`, in words, when a 403 says more than "not
    /// allowed" (§5.3, §10).
    pub(super) fn send_refusal(&self, key: ConvKey, e: &Failure) -> Option<String> {
        match (key, e) {
            (ConvKey::User(_), Failure::Api(ApiError::Disabled(_))) => {
                Some("direct messages are disabled by the server's administrator".into())
            }
            (ConvKey::User(_), Failure::Api(ApiError::Forbidden(_))) => {
                Some("refused: blocked, or not a contact".into())
            }
            (ConvKey::Group(_), Failure::Api(ApiError::Forbidden(_))) => self
                .chat
                .post_refusal(key)
                .or_else(|| Some("refused: you may not post in this channel".into())),
            _ => None,
        }
    }
}
