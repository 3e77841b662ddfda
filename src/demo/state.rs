//! The demo server's in-memory database and the rules of VoceChat 0.3.3 that act on it:
//! users, tokens, devices, groups, the global message log with per-user replay index,
//! settings, uploads, and fan-out of events to live streams. No HTTP here.

use crate::protocol::ServerEvent;
use crate::protocol::event::GroupChange;
use crate::protocol::requests::*;
use crate::protocol::types::*;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What a connection task is told to write.
#[derive(Debug)]
pub enum Frame {
    Event(String),
    /// Hang up after the frames before it.
    Close,
}

pub struct DemoUser {
    pub info: UserInfo,
    pub password: String,
}

struct AccessToken {
    uid: i64,
    device: String,
    expires: Instant,
}

pub struct Conn {
    pub id: u64,
    pub tx: mpsc::UnboundedSender<Frame>,
}

struct LogEntry {
    msg: ChatMessage,
}

#[derive(Default)]
pub struct Settings {
    pub mute_users: BTreeMap<i64, Option<i64>>,
    pub mute_groups: BTreeMap<i64, Option<i64>>,
    pub read_users: BTreeMap<i64, i64>,
    pub read_groups: BTreeMap<i64, i64>,
    pub burn_users: BTreeMap<i64, i64>,
    pub burn_groups: BTreeMap<i64, i64>,
}

pub struct Upload {
    pub content_type: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

pub struct StoredFile {
    pub content_type: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// Why a call was refused, as the real server would answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Status with an empty body.
    Empty(u16),
    /// Status with a plain-text body and no content type.
    Text(u16, String),
}

pub type Outcome<T> = Result<T, Refusal>;

pub const REPLAY_CAP: usize = 5000;

#[derive(Default)]
pub struct State {
    pub users: BTreeMap<i64, DemoUser>,
    next_uid: i64,
    user_log: Vec<UserUpdateLog>,
    pub groups: BTreeMap<i64, Group>,
    next_gid: i64,
    log: Vec<LogEntry>,
    by_mid: HashMap<i64, usize>,
    next_mid: i64,
    /// uid → indexes into `log` of messages addressed to them at send time.
    inbox: HashMap<i64, Vec<usize>>,
    access: HashMap<String, AccessToken>,
    /// Every access token ever issued → (uid, device): renew accepts expired ones.
    issued: HashMap<String, (i64, String)>,
    refresh: HashMap<(i64, String), String>,
    devices: HashSet<(i64, String)>,
    pub conns: HashMap<(i64, String), Conn>,
    next_conn: u64,
    pub settings: HashMap<i64, Settings>,
    pub uploads: HashMap<String, Upload>,
    pub files: HashMap<String, StoredFile>,
    pub organization: Organization,
    pub server_id: String,
    pub renewals: u64,
    pub token_ttl: Duration,
    /// `after_mid` of the latest stream request.
    pub last_after_mid: Option<i64>,
}

fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl State {
    pub fn new(token_ttl: Duration) -> State {
        State {
            next_uid: 1,
            next_gid: 1,
            next_mid: 1,
            server_id: uuid::Uuid::new_v4().simple().to_string(),
            organization: Organization {
                name: "VoceChat demo".into(),
                description: Some("an in-process demo server".into()),
            },
            token_ttl,
            ..State::default()
        }
    }

    // ------------------------------------------------------------ users and tokens

    pub fn add_user(
        &mut self,
        name: &str,
        email: &str,
        password: &str,
        is_admin: bool,
        is_bot: bool,
    ) -> i64 {
        let uid = self.next_uid;
        self.next_uid += 1;
        let info = UserInfo {
            uid,
            email: Some(email.to_lowercase()),
            name: name.to_string(),
            gender: 0,
            language: "en-US".into(),
            is_admin,
            is_bot,
            avatar_updated_at: 0,
            create_by: "password".into(),
        };
        let log = UserUpdateLog {
            log_id: self.user_log.len() as i64 + 1,
            action: UserLogAction::Create,
            uid,
            email: info.email.clone(),
            name: Some(info.name.clone()),
            gender: Some(0),
            language: Some(info.language.clone()),
            is_admin: Some(is_admin),
            is_bot: Some(is_bot),
            avatar_updated_at: Some(0),
        };
        self.user_log.push(log.clone());
        self.users.insert(
            uid,
            DemoUser {
                info,
                password: password.to_string(),
            },
        );
        self.broadcast_all(&ServerEvent::UsersLog { logs: vec![log] });
        let public: Vec<i64> = self
            .groups
            .values()
            .filter(|g| g.is_public)
            .map(|g| g.gid)
            .collect();
        for gid in public {
            self.broadcast_all(&ServerEvent::UserJoinedGroup {
                gid,
                uid: vec![uid],
            });
        }
        uid
    }

    pub fn users_version(&self) -> i64 {
        self.user_log.len() as i64
    }

    pub fn login(&mut self, email: &str, password: &str, device: &str) -> Outcome<LoginResponse> {
        let email = email.to_lowercase();
        let user = self
            .users
            .values()
            .find(|u| u.info.email.as_deref() == Some(email.as_str()))
            .ok_or(Refusal::Empty(404))?;
        if user.password != password {
            return Err(Refusal::Empty(401));
        }
        let info = user.info.clone();
        let (token, refresh) = self.issue(info.uid, device);
        self.devices.insert((info.uid, device.to_string()));
        Ok(LoginResponse {
            server_id: self.server_id.clone(),
            token,
            refresh_token: refresh,
            expired_in: self.token_ttl.as_secs().max(1) as i64,
            user: info,
        })
    }

    fn issue(&mut self, uid: i64, device: &str) -> (String, String) {
        let token = random_token();
        let refresh = random_token();
        self.access.insert(
            token.clone(),
            AccessToken {
                uid,
                device: device.to_string(),
                expires: Instant::now() + self.token_ttl,
            },
        );
        self.issued.insert(token.clone(), (uid, device.to_string()));
        self.refresh
            .insert((uid, device.to_string()), refresh.clone());
        (token, refresh)
    }

    pub fn renew(&mut self, token: &str, refresh: &str) -> Outcome<RenewResponse> {
        let (uid, device) = self.issued.get(token).cloned().ok_or(Refusal::Empty(401))?;
        if self.refresh.get(&(uid, device.clone())).map(String::as_str) != Some(refresh) {
            return Err(Refusal::Empty(401));
        }
        let (token, refresh_token) = self.issue(uid, &device);
        self.renewals += 1;
        Ok(RenewResponse {
            token,
            refresh_token,
            expired_in: self.token_ttl.as_secs().max(1) as i64,
        })
    }

    /// (uid, device) of a valid, unexpired access token.
    pub fn authenticate(&self, token: Option<&str>) -> Outcome<(i64, String)> {
        let denied = || Refusal::Text(401, "authorization error".into());
        let t = self
            .access
            .get(token.ok_or_else(denied)?)
            .ok_or_else(denied)?;
        if t.expires <= Instant::now() || !self.users.contains_key(&t.uid) {
            return Err(denied());
        }
        Ok((t.uid, t.device.clone()))
    }

    pub fn device_known(&self, uid: i64, device: &str) -> bool {
        self.devices.contains(&(uid, device.to_string()))
    }

    pub fn devices_of(&self, uid: i64) -> Vec<String> {
        let mut d: Vec<String> = self
            .devices
            .iter()
            .filter(|(u, _)| *u == uid)
            .map(|(_, d)| d.clone())
            .collect();
        d.sort();
        d
    }

    pub fn logout(&mut self, uid: i64, device: &str) {
        let key = (uid, device.to_string());
        self.refresh.remove(&key);
        self.devices.remove(&key);
        self.kick(uid, device, "logout");
    }

    /// Sends `kick` to a device's live stream and closes it.
    pub fn kick(&mut self, uid: i64, device: &str, reason: &str) {
        if let Some(conn) = self.conns.get(&(uid, device.to_string())) {
            let kick = ServerEvent::Kick {
                reason: reason.to_string(),
            };
            let _ = conn.tx.send(Frame::Event(
                serde_json::to_string(&kick).expect("events serialize"),
            ));
            let _ = conn.tx.send(Frame::Close);
        }
    }

    // ------------------------------------------------------------ streams

    /// Registers a stream for (uid, device), kicking an older one on the same device, and
    /// queues the whole initial batch on it. Runs under the state lock, so no live event can
    /// slip between the batch and the live tail.
    pub fn open_stream(
        &mut self,
        uid: i64,
        device: &str,
        after_mid: Option<i64>,
        users_version: Option<i64>,
    ) -> (u64, mpsc::UnboundedReceiver<Frame>) {
        let key = (uid, device.to_string());
        self.last_after_mid = after_mid;
        self.kick(uid, device, "login_from_other_device");
        let was_online = self.is_online(uid);
        let (tx, rx) = mpsc::unbounded_channel();
        self.next_conn += 1;
        let id = self.next_conn;
        let send = |ev: &ServerEvent| {
            let _ = tx.send(Frame::Event(
                serde_json::to_string(ev).expect("events serialize"),
            ));
        };
        match users_version {
            None => send(&ServerEvent::UsersSnapshot {
                users: self.users.values().map(|u| u.info.clone()).collect(),
                version: self.users_version(),
            }),
            Some(v) => {
                let logs: Vec<UserUpdateLog> = self
                    .user_log
                    .iter()
                    .filter(|l| l.log_id > v)
                    .cloned()
                    .collect();
                if !logs.is_empty() {
                    send(&ServerEvent::UsersLog { logs });
                }
            }
        }
        send(&ServerEvent::UsersState {
            users: self
                .users
                .keys()
                .filter(|u| **u != uid)
                .map(|u| UserPresence {
                    uid: *u,
                    online: self.is_online(*u),
                })
                .collect(),
        });
        send(&ServerEvent::RelatedGroups {
            groups: self
                .groups
                .values()
                .filter(|g| g.is_public || g.members.contains(&uid))
                .cloned()
                .collect(),
        });
        send(&ServerEvent::UserSettings(self.settings_snapshot(uid)));
        let after = after_mid.unwrap_or(0);
        let inbox = self.inbox.get(&uid).map(Vec::as_slice).unwrap_or(&[]);
        let start = inbox.partition_point(|i| self.log[*i].msg.mid <= after);
        let pending = &inbox[start..];
        let pending = &pending[pending.len().saturating_sub(REPLAY_CAP)..];
        for i in pending {
            let msg = &self.log[*i].msg;
            if let Target::Group { gid } = msg.target
                && !self.groups.contains_key(&gid)
            {
                continue; // deleted groups are skipped; groups you left are not (as 0.3.3)
            }
            send(&ServerEvent::Chat(msg.clone()));
        }
        send(&ServerEvent::Ready);
        self.conns.insert(key, Conn { id, tx });
        if !was_online {
            self.broadcast_except(uid, &ServerEvent::UsersStateChanged { uid, online: true });
        }
        (id, rx)
    }

    /// Called when a stream ends; only removes the registration if it is still this one.
    pub fn close_stream(&mut self, uid: i64, device: &str, id: u64) {
        let key = (uid, device.to_string());
        if self.conns.get(&key).is_some_and(|c| c.id == id) {
            self.conns.remove(&key);
            if !self.is_online(uid) {
                self.broadcast_except(uid, &ServerEvent::UsersStateChanged { uid, online: false });
            }
        }
    }

    pub fn is_online(&self, uid: i64) -> bool {
        self.conns.keys().any(|(u, _)| *u == uid)
    }

    fn send_to_user(&self, uid: i64, json: &str) {
        for ((u, _), conn) in &self.conns {
            if *u == uid {
                let _ = conn.tx.send(Frame::Event(json.to_string()));
            }
        }
    }

    fn send_event_to(&self, uids: impl IntoIterator<Item = i64>, ev: &ServerEvent) {
        let json = serde_json::to_string(ev).expect("events serialize");
        for uid in uids {
            self.send_to_user(uid, &json);
        }
    }

    fn broadcast_all(&self, ev: &ServerEvent) {
        self.send_event_to(self.users.keys().copied().collect::<Vec<_>>(), ev);
    }

    fn broadcast_except(&self, except: i64, ev: &ServerEvent) {
        self.send_event_to(
            self.users
                .keys()
                .copied()
                .filter(|u| *u != except)
                .collect::<Vec<_>>(),
            ev,
        );
    }

    // ------------------------------------------------------------ groups

    fn audience(&self, g: &Group) -> Vec<i64> {
        if g.is_public {
            self.users.keys().copied().collect()
        } else {
            g.members.clone()
        }
    }

    pub fn visible_groups(&self, uid: i64) -> Vec<Group> {
        self.groups
            .values()
            .filter(|g| g.is_public || g.members.contains(&uid))
            .cloned()
            .collect()
    }

    /// `body` is the create body as sent: its read-only keys are refused first (as 0.3.3
    /// does), then it is read as a [`NewGroup`].
    pub fn create_group(&mut self, uid: i64, body: Value) -> Outcome<(i64, i64)> {
        let obj = body.as_object().ok_or(Refusal::Text(
            400,
            "parse request payload error: expect object".into(),
        ))?;
        for ro in GROUP_READ_ONLY_FIELDS {
            if obj.contains_key(ro) {
                return Err(Refusal::Text(
                    400,
                    format!(
                        "parse request payload error: failed to parse \"Group\": properties `{ro}` is read only."
                    ),
                ));
            }
        }
        let NewGroup {
            name,
            description,
            mut members,
            is_public,
        } = serde_json::from_value(body)
            .map_err(|e| Refusal::Text(400, format!("parse request payload error: {e}")))?;
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        if is_public && !is_admin {
            return Err(Refusal::Empty(403));
        }
        if is_public && !members.is_empty() {
            return Err(Refusal::Empty(400));
        }
        if members.iter().any(|m| !self.users.contains_key(m)) {
            return Err(Refusal::Empty(400));
        }
        if !is_public && !members.contains(&uid) {
            members.push(uid);
        }
        members.sort_unstable();
        members.dedup();
        let description = description.filter(|d| !d.is_empty());
        Ok(self.insert_group(
            &name,
            description,
            if is_public { None } else { Some(uid) },
            members,
            is_public,
        ))
    }

    /// Creates a group and tells its audience. Returns (gid, created_at).
    pub fn insert_group(
        &mut self,
        name: &str,
        description: Option<String>,
        owner: Option<i64>,
        members: Vec<i64>,
        is_public: bool,
    ) -> (i64, i64) {
        let gid = self.next_gid;
        self.next_gid += 1;
        let now = crate::clock::now_ms();
        let group = Group {
            gid,
            owner,
            name: name.to_string(),
            description,
            members: if is_public { vec![] } else { members },
            is_public,
            avatar_updated_at: 0,
            pinned_messages: vec![],
        };
        let audience = self.audience(&group);
        self.groups.insert(gid, group.clone());
        self.send_event_to(audience, &ServerEvent::JoinedGroup { group });
        (gid, now)
    }

    pub fn add_members(&mut self, uid: i64, gid: i64, new: &[i64]) -> Outcome<()> {
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if g.is_public || (!g.members.contains(&uid) && !is_admin) {
            return Err(Refusal::Empty(403));
        }
        if new
            .iter()
            .any(|m| !self.users.contains_key(m) || g.members.contains(m))
        {
            return Err(Refusal::Empty(400));
        }
        let previous = g.members.clone();
        let g = self.groups.get_mut(&gid).expect("checked above");
        g.members.extend_from_slice(new);
        g.members.sort_unstable();
        g.members.dedup();
        let group = g.clone();
        self.send_event_to(new.to_vec(), &ServerEvent::JoinedGroup { group });
        self.send_event_to(
            previous,
            &ServerEvent::UserJoinedGroup {
                gid,
                uid: new.to_vec(),
            },
        );
        Ok(())
    }

    pub fn remove_members(&mut self, uid: i64, gid: i64, gone: &[i64]) -> Outcome<()> {
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if g.is_public
            || (g.owner != Some(uid) && !is_admin)
            || gone.iter().any(|m| Some(*m) == g.owner)
        {
            return Err(Refusal::Empty(403));
        }
        if gone.iter().any(|m| !g.members.contains(m)) {
            return Err(Refusal::Empty(404));
        }
        let g = self.groups.get_mut(&gid).expect("checked above");
        g.members.retain(|m| !gone.contains(m));
        let remaining = g.members.clone();
        self.send_event_to(
            gone.to_vec(),
            &ServerEvent::KickFromGroup {
                gid,
                reason: "kick".into(),
            },
        );
        self.send_event_to(
            remaining,
            &ServerEvent::UserLeavedGroup {
                gid,
                uid: gone.to_vec(),
            },
        );
        Ok(())
    }

    pub fn leave_group(&mut self, uid: i64, gid: i64) -> Outcome<()> {
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if g.is_public || !g.members.contains(&uid) || g.owner == Some(uid) {
            return Err(Refusal::Empty(403));
        }
        let everyone = g.members.clone();
        self.groups
            .get_mut(&gid)
            .expect("checked above")
            .members
            .retain(|m| *m != uid);
        self.send_event_to(
            everyone,
            &ServerEvent::UserLeavedGroup {
                gid,
                uid: vec![uid],
            },
        );
        Ok(())
    }

    pub fn rename_group(&mut self, gid: i64, name: &str) {
        if let Some(g) = self.groups.get_mut(&gid) {
            g.name = name.to_string();
            let audience = self.audience(&self.groups[&gid]);
            self.send_event_to(
                audience,
                &ServerEvent::GroupChanged(GroupChange {
                    gid,
                    name: Some(name.to_string()),
                    description: None,
                    owner: None,
                    avatar_updated_at: None,
                    is_public: None,
                }),
            );
        }
    }

    pub fn pin(&mut self, uid: i64, gid: i64, mid: i64, pin: bool) -> Outcome<()> {
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        let allowed = is_admin || (!g.is_public && g.owner == Some(uid));
        if !allowed {
            return Err(Refusal::Empty(403));
        }
        let already = g.pinned_messages.iter().any(|p| p.mid == mid);
        let msg = self
            .by_mid
            .get(&mid)
            .map(|i| self.log[*i].msg.clone())
            .ok_or(Refusal::Empty(404))?;
        let update = if pin {
            if already {
                return Err(Refusal::Empty(409));
            }
            let (content_type, content, properties) = match &msg.detail {
                MessageDetail::Normal {
                    content_type,
                    content,
                    properties,
                    ..
                }
                | MessageDetail::Reply {
                    content_type,
                    content,
                    properties,
                    ..
                } => (content_type.clone(), content.clone(), properties.clone()),
                _ => return Err(Refusal::Empty(403)),
            };
            let p = PinnedMessage {
                mid,
                created_by: uid,
                created_at: crate::clock::now_ms(),
                properties,
                content_type,
                content,
            };
            self.groups
                .get_mut(&gid)
                .expect("checked")
                .pinned_messages
                .push(p.clone());
            Some(p)
        } else {
            if !already {
                return Err(Refusal::Empty(404));
            }
            self.groups
                .get_mut(&gid)
                .expect("checked")
                .pinned_messages
                .retain(|p| p.mid != mid);
            None
        };
        let audience = self.audience(&self.groups[&gid]);
        self.send_event_to(
            audience,
            &ServerEvent::PinnedMessageUpdated {
                gid,
                mid,
                msg: update,
            },
        );
        Ok(())
    }

    // ------------------------------------------------------------ messages

    /// The recipients of a message to `target` sent now, and a permission check for `from`.
    fn recipients(&self, from: i64, target: Target) -> Outcome<Vec<i64>> {
        match target {
            Target::User { uid } => {
                if !self.users.contains_key(&uid) {
                    return Err(Refusal::Empty(404));
                }
                let mut r = vec![from, uid];
                r.dedup();
                Ok(r)
            }
            Target::Group { gid } => {
                let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
                if !g.is_public && !g.members.contains(&from) {
                    return Err(Refusal::Empty(403));
                }
                Ok(self.audience(g))
            }
        }
    }

    /// Appends a record to the log and delivers it to every recipient's streams.
    fn append(
        &mut self,
        from: i64,
        target: Target,
        detail: MessageDetail,
        recipients: Vec<i64>,
    ) -> i64 {
        let mid = self.next_mid;
        self.next_mid += 1;
        let msg = ChatMessage {
            mid,
            from_uid: from,
            created_at: crate::clock::now_ms(),
            target,
            detail,
        };
        self.push_log(msg, recipients)
    }

    /// Stores a fully formed record (seeding uses it to set past timestamps).
    pub fn push_log(&mut self, msg: ChatMessage, recipients: Vec<i64>) -> i64 {
        let mid = msg.mid;
        self.next_mid = self.next_mid.max(mid + 1);
        let index = self.log.len();
        let json =
            serde_json::to_string(&ServerEvent::Chat(msg.clone())).expect("events serialize");
        self.log.push(LogEntry { msg });
        self.by_mid.insert(mid, index);
        for uid in &recipients {
            self.inbox.entry(*uid).or_default().push(index);
            self.send_to_user(*uid, &json);
        }
        mid
    }

    /// Forgets every message after `last_mid`, as a restore from an older backup does; the
    /// next message gets `last_mid + 1`.
    pub fn restore_backup(&mut self, last_mid: i64) {
        let keep = self.log.partition_point(|e| e.msg.mid <= last_mid);
        self.log.truncate(keep);
        self.by_mid.retain(|_, i| *i < keep);
        for inbox in self.inbox.values_mut() {
            inbox.retain(|i| *i < keep);
        }
        self.next_mid = last_mid.saturating_add(1).max(1);
    }

    /// Leaves a gap of `gap` unused mids.
    pub fn skip_mids(&mut self, gap: i64) {
        self.next_mid = self.next_mid.saturating_add(gap.max(0));
    }

    pub fn next_mid(&mut self) -> i64 {
        let mid = self.next_mid;
        self.next_mid += 1;
        mid
    }

    /// A new normal message (or file message) from `from`.
    pub fn send(
        &mut self,
        from: i64,
        target: Target,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<i64> {
        let recipients = self.recipients(from, target)?;
        let (content, properties) = self.file_content(content_type, content, properties)?;
        let settings = self.settings.get(&from);
        let burn = settings.and_then(|s| match target {
            Target::User { uid } => s.burn_users.get(&uid).copied(),
            Target::Group { gid } => s.burn_groups.get(&gid).copied(),
        });
        let detail = MessageDetail::Normal {
            content_type: content_type.to_string(),
            content,
            properties,
            expires_in: burn.filter(|b| *b > 0),
        };
        Ok(self.append(from, target, detail, recipients))
    }

    /// For `vocechat/file`: the body is `{"path": …}`; the stored message content is the path
    /// and the server adds `content_type`, `size` and `name` to the properties.
    fn file_content(
        &self,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<(String, Option<Value>)> {
        if content_type != "vocechat/file" {
            return Ok((content, properties));
        }
        let path = serde_json::from_str::<FileMessageBody>(&content)
            .map_err(|_| {
                Refusal::Text(400, "parse request payload error: expect {\"path\"}".into())
            })?
            .path;
        let file = self.files.get(&path).ok_or(Refusal::Empty(400))?;
        let mut props: Map<String, Value> = properties
            .and_then(|p| p.as_object().cloned())
            .unwrap_or_default();
        FileProperties {
            name: file.filename.clone(),
            size: file.data.len() as u64,
            content_type: Some(file.content_type.clone()),
            width: None,
            height: None,
        }
        .write_into(&mut props);
        Ok((path, Some(Value::Object(props))))
    }

    /// Looks up a normal/reply target for a reaction or reply by `uid`. Returns the target
    /// record, the conversation target as `uid` sees it, and the recipients.
    fn reaction_target(&self, uid: i64, mid: i64) -> Outcome<(ChatMessage, Target, Vec<i64>)> {
        let msg = self
            .by_mid
            .get(&mid)
            .map(|i| self.log[*i].msg.clone())
            .ok_or(Refusal::Empty(404))?;
        if !matches!(
            msg.detail,
            MessageDetail::Normal { .. } | MessageDetail::Reply { .. }
        ) {
            return Err(Refusal::Empty(403));
        }
        match msg.target {
            Target::User { uid: to } => {
                let (a, b) = (msg.from_uid, to);
                // The DM target is rewritten to the peer from the actor's side.
                let peer = if uid == a { b } else { a };
                Ok((msg, Target::User { uid: peer }, vec![a, b]))
            }
            Target::Group { gid } => {
                let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
                Ok((msg, Target::Group { gid }, self.audience(g)))
            }
        }
    }

    fn is_party(&self, uid: i64, msg: &ChatMessage) -> bool {
        match msg.target {
            Target::User { uid: to } => uid == to || uid == msg.from_uid,
            Target::Group { gid } => self
                .groups
                .get(&gid)
                .is_some_and(|g| g.is_public || g.members.contains(&uid)),
        }
    }

    pub fn edit(
        &mut self,
        uid: i64,
        mid: i64,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<i64> {
        let (msg, target, recipients) = self.reaction_target(uid, mid)?;
        if msg.from_uid != uid {
            return Err(Refusal::Empty(403));
        }
        let (content, properties) = self.file_content(content_type, content, properties)?;
        let detail = MessageDetail::Reaction {
            mid,
            detail: ReactionDetail::Edit {
                content_type: content_type.to_string(),
                content: content.clone(),
                properties: properties.clone(),
            },
        };
        let new = self.append(uid, target, detail, recipients);
        // An edit of a pinned message updates the pin (after the chat record).
        if let Target::Group { gid } = target
            && let Some(g) = self.groups.get_mut(&gid)
            && let Some(p) = g.pinned_messages.iter_mut().find(|p| p.mid == mid)
        {
            p.content = content;
            p.content_type = content_type.to_string();
            p.properties = properties;
            let pin = p.clone();
            let audience = self.audience(&self.groups[&gid]);
            self.send_event_to(
                audience,
                &ServerEvent::PinnedMessageUpdated {
                    gid,
                    mid,
                    msg: Some(pin),
                },
            );
        }
        Ok(new)
    }

    pub fn like(&mut self, uid: i64, mid: i64, action: &str) -> Outcome<i64> {
        if !REACTIONS.contains(&action) {
            return Err(Refusal::Empty(400));
        }
        let (_, target, recipients) = self.reaction_target(uid, mid)?;
        let detail = MessageDetail::Reaction {
            mid,
            detail: ReactionDetail::Like {
                action: action.to_string(),
            },
        };
        Ok(self.append(uid, target, detail, recipients))
    }

    pub fn delete(&mut self, uid: i64, mid: i64) -> Outcome<i64> {
        let (msg, target, recipients) = self.reaction_target(uid, mid)?;
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        if msg.from_uid != uid && !is_admin {
            return Err(Refusal::Empty(403));
        }
        let detail = MessageDetail::Reaction {
            mid,
            detail: ReactionDetail::Delete,
        };
        Ok(self.append(uid, target, detail, recipients))
    }

    pub fn reply(
        &mut self,
        uid: i64,
        mid: i64,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<i64> {
        let (msg, target, recipients) = self.reaction_target(uid, mid)?;
        if !self.is_party(uid, &msg) {
            return Err(Refusal::Empty(403));
        }
        let (content, properties) = self.file_content(content_type, content, properties)?;
        let detail = MessageDetail::Reply {
            mid,
            content_type: content_type.to_string(),
            content,
            properties,
        };
        Ok(self.append(uid, target, detail, recipients))
    }

    /// Up to `limit` newest records of a conversation with `mid < before`, ascending.
    pub fn history(
        &self,
        uid: i64,
        of: Target,
        before: Option<i64>,
        limit: usize,
    ) -> Outcome<Vec<ChatMessage>> {
        if let Target::Group { gid } = of {
            let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
            if !g.is_public && !g.members.contains(&uid) {
                return Err(Refusal::Empty(403));
            }
        }
        let belongs = |m: &ChatMessage| match (of, m.target) {
            (Target::Group { gid }, Target::Group { gid: g }) => gid == g,
            (Target::User { uid: peer }, Target::User { uid: to }) => {
                (m.from_uid == uid && to == peer) || (m.from_uid == peer && to == uid)
            }
            _ => false,
        };
        let before = before.unwrap_or(i64::MAX);
        let end = self.log.partition_point(|e| e.msg.mid < before);
        let mut page: Vec<ChatMessage> = self.log[..end]
            .iter()
            .rev()
            .filter(|e| belongs(&e.msg))
            .take(limit)
            .map(|e| e.msg.clone())
            .collect();
        page.reverse();
        Ok(page)
    }

    // ------------------------------------------------------------ settings

    pub fn settings_snapshot(&self, uid: i64) -> UserSettings {
        let now = crate::clock::now_ms();
        let Some(s) = self.settings.get(&uid) else {
            return UserSettings::default();
        };
        let live = |e: &Option<i64>| e.is_none_or(|t| t > now);
        UserSettings {
            mute_users: s
                .mute_users
                .iter()
                .filter(|(_, e)| live(e))
                .map(|(uid, e)| UserMute {
                    uid: *uid,
                    expired_at: *e,
                })
                .collect(),
            mute_groups: s
                .mute_groups
                .iter()
                .filter(|(_, e)| live(e))
                .map(|(gid, e)| GroupMute {
                    gid: *gid,
                    expired_at: *e,
                })
                .collect(),
            read_index_users: s
                .read_users
                .iter()
                .map(|(uid, mid)| UserReadIndex {
                    uid: *uid,
                    mid: *mid,
                })
                .collect(),
            read_index_groups: s
                .read_groups
                .iter()
                .map(|(gid, mid)| GroupReadIndex {
                    gid: *gid,
                    mid: *mid,
                })
                .collect(),
            burn_after_reading_users: s
                .burn_users
                .iter()
                .map(|(uid, e)| UserBurn {
                    uid: *uid,
                    expires_in: *e,
                })
                .collect(),
            burn_after_reading_groups: s
                .burn_groups
                .iter()
                .map(|(gid, e)| GroupBurn {
                    gid: *gid,
                    expires_in: *e,
                })
                .collect(),
        }
    }

    fn check_ids(&self, uid: i64, users: &[i64], groups: &[i64]) -> Outcome<()> {
        if users
            .iter()
            .any(|u| *u == uid || !self.users.contains_key(u))
            || groups.iter().any(|g| !self.groups.contains_key(g))
        {
            return Err(Refusal::Empty(400));
        }
        Ok(())
    }

    /// Sends a settings delta to the user's devices other than `from_device`.
    fn settings_changed(&self, uid: i64, change: UserSettingsChanged) {
        let json = serde_json::to_string(&ServerEvent::UserSettingsChanged(change.clone()))
            .expect("events serialize");
        for ((u, device), conn) in &self.conns {
            if *u == uid && *device != change.from_device {
                let _ = conn.tx.send(Frame::Event(json.clone()));
            }
        }
    }

    pub fn read_index(
        &mut self,
        uid: i64,
        device: &str,
        users: Vec<UserReadIndex>,
        groups: Vec<GroupReadIndex>,
    ) -> Outcome<()> {
        self.check_ids(
            uid,
            &users.iter().map(|r| r.uid).collect::<Vec<_>>(),
            &groups.iter().map(|r| r.gid).collect::<Vec<_>>(),
        )?;
        let s = self.settings.entry(uid).or_default();
        let mut change = UserSettingsChanged {
            from_device: device.to_string(),
            ..Default::default()
        };
        for r in users {
            let cur = s.read_users.entry(r.uid).or_insert(0);
            if r.mid > *cur {
                *cur = r.mid;
                change.read_index_users.push(r);
            }
        }
        for r in groups {
            let cur = s.read_groups.entry(r.gid).or_insert(0);
            if r.mid > *cur {
                *cur = r.mid;
                change.read_index_groups.push(r);
            }
        }
        if !change.read_index_users.is_empty() || !change.read_index_groups.is_empty() {
            self.settings_changed(uid, change);
        }
        Ok(())
    }

    pub fn mute(&mut self, uid: i64, device: &str, body: MuteRequest) -> Outcome<()> {
        let add_users: Vec<(i64, Option<i64>)> = body
            .add_users
            .iter()
            .map(|m| (m.uid, m.expired_in))
            .collect();
        let add_groups: Vec<(i64, Option<i64>)> = body
            .add_groups
            .iter()
            .map(|m| (m.gid, m.expired_in))
            .collect();
        let (remove_users, remove_groups) = (body.remove_users, body.remove_groups);
        let all_users: Vec<i64> = add_users
            .iter()
            .map(|p| p.0)
            .chain(remove_users.iter().copied())
            .collect();
        let all_groups: Vec<i64> = add_groups
            .iter()
            .map(|p| p.0)
            .chain(remove_groups.iter().copied())
            .collect();
        self.check_ids(uid, &all_users, &all_groups)?;
        let now = crate::clock::now_ms();
        let at = |secs: Option<i64>| secs.map(|s| now + s * 1000);
        let s = self.settings.entry(uid).or_default();
        let mut change = UserSettingsChanged {
            from_device: device.to_string(),
            ..Default::default()
        };
        for (u, e) in add_users {
            s.mute_users.insert(u, at(e));
            change.add_mute_users.push(UserMute {
                uid: u,
                expired_at: at(e),
            });
        }
        for (g, e) in add_groups {
            s.mute_groups.insert(g, at(e));
            change.add_mute_groups.push(GroupMute {
                gid: g,
                expired_at: at(e),
            });
        }
        for u in remove_users {
            s.mute_users.remove(&u);
            change.remove_mute_users.push(u);
        }
        for g in remove_groups {
            s.mute_groups.remove(&g);
            change.remove_mute_groups.push(g);
        }
        self.settings_changed(uid, change);
        Ok(())
    }

    pub fn burn(
        &mut self,
        uid: i64,
        device: &str,
        users: Vec<UserBurn>,
        groups: Vec<GroupBurn>,
    ) -> Outcome<()> {
        if users.iter().any(|b| b.expires_in < 0) || groups.iter().any(|b| b.expires_in < 0) {
            return Err(Refusal::Empty(400));
        }
        self.check_ids(
            uid,
            &users.iter().map(|b| b.uid).collect::<Vec<_>>(),
            &groups.iter().map(|b| b.gid).collect::<Vec<_>>(),
        )?;
        let s = self.settings.entry(uid).or_default();
        for b in &users {
            if b.expires_in == 0 {
                s.burn_users.remove(&b.uid);
            } else {
                s.burn_users.insert(b.uid, b.expires_in);
            }
        }
        for b in &groups {
            if b.expires_in == 0 {
                s.burn_groups.remove(&b.gid);
            } else {
                s.burn_groups.insert(b.gid, b.expires_in);
            }
        }
        let change = UserSettingsChanged {
            from_device: device.to_string(),
            burn_after_reading_users: users,
            burn_after_reading_groups: groups,
            ..Default::default()
        };
        self.settings_changed(uid, change);
        Ok(())
    }

    pub fn message_count(&self) -> usize {
        self.log.len()
    }

    pub fn last_mid(&self) -> i64 {
        self.next_mid - 1
    }
}
