//! Users, tokens and devices: adding users (and announcing them), password login, token
//! issue and renewal (renew accepts an expired access token, the refresh token rotates),
//! authentication, the device list, logout and kicks.

use super::{AccessToken, DemoUser, Frame, Outcome, Refusal, State, random_token};
use crate::protocol::ServerEvent;
use crate::protocol::types::{
    LoginResponse, RenewResponse, UserInfo, UserLogAction, UserUpdateLog,
};
use std::time::Instant;

impl State {
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
        let uid = user.info.uid;
        self.log_in_as(uid, device)
    }

    /// Logs `uid` in on `device` (after its credential was checked).
    pub(super) fn log_in_as(&mut self, uid: i64, device: &str) -> Outcome<LoginResponse> {
        let info = self
            .users
            .get(&uid)
            .map(|u| u.info.clone())
            .ok_or(Refusal::Empty(404))?;
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

    /// An account's device removed (from another of its devices).
    pub fn remove_device(&mut self, uid: i64, device: &str) {
        let key = (uid, device.to_string());
        self.refresh.remove(&key);
        self.devices.remove(&key);
        self.kick(uid, device, "delete_device");
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
            let _ = conn.tx.send(Frame::Event(super::event_json(&kick)));
            let _ = conn.tx.send(Frame::Close);
        }
    }
}
