//! Joining from a link (protocol §2.8, newer-servers §14): checking a link's token,
//! registering with an invite token, and logging in with an e-mailed login link. The same on
//! 0.3.3 and newer servers. Tokens travel only in request bodies, never in a URL or the log.

use super::{ApiClient, ApiError, ApiResult, Session, error_text, read_json};
use crate::protocol::invite::{CheckMagicToken, RegisterRequest};
use crate::protocol::requests::{Credential, LoginRequest};
use crate::protocol::types::{LoginResponse, UserInfo};
use reqwest::Method;

impl ApiClient {
    /// Whether the server still accepts a link's token (`false`: expired or not its own).
    pub async fn check_magic_token(&self, token: &str) -> ApiResult<bool> {
        let body = CheckMagicToken {
            magic_token: token.to_string(),
        };
        let resp = self
            .send_plain(
                self.request(Method::POST, "/api/user/check_magic_token")
                    .json(&body),
            )
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let text = error_text(resp).await;
            return Err(ApiError::from_status(status, &text, "the invite check"));
        }
        read_json(resp).await
    }

    /// Registers a new account with an invite token (the e-mail lower-cased); the server logs
    /// it in on `device`, and the new session is installed. Returns the session and the new
    /// account.
    pub async fn register(
        &self,
        token: &str,
        name: &str,
        email: &str,
        password: &str,
        device: &str,
    ) -> ApiResult<(Session, UserInfo)> {
        let body = RegisterRequest {
            magic_token: Some(token.to_string()),
            // 0.3.3 keeps a registered e-mail as sent, while login lower-cases what is typed:
            // an address with capitals could never log in with its password (protocol §9).
            email: Some(email.trim().to_lowercase()),
            password: Some(password.to_string()),
            name: Some(name.trim().to_string()),
            gender: 0,
            device: device.to_string(),
        };
        let resp = self
            .send_plain(self.request(Method::POST, "/api/user/register").json(&body))
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let text = error_text(resp).await;
            return Err(match status.as_u16() {
                412 => ApiError::InviteExpired,
                // With a token, 403 means the token's e-mail was not confirmed (SMTP is on).
                403 => ApiError::ConfirmEmailFirst,
                413 => ApiError::Server {
                    status: 413,
                    body: "the account was made, but its first login failed: log in with your \
                           e-mail and password"
                        .into(),
                },
                _ => ApiError::from_status(status, &text, "registration"),
            });
        }
        self.adopt_login(read_json(resp).await?, device).await
    }

    /// Logs in with the token of an e-mailed login link (no password).
    pub async fn login_with_link(
        &self,
        token: &str,
        device: &str,
    ) -> ApiResult<(Session, UserInfo)> {
        let body = LoginRequest {
            credential: Credential::MagicLink {
                magic_token: token.to_string(),
                extra_name: String::new(),
            },
            device: device.to_string(),
            device_token: None,
        };
        let resp = self
            .send_plain(self.request(Method::POST, "/api/token/login").json(&body))
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let text = error_text(resp).await;
            return Err(match status.as_u16() {
                // 400: not a token of this server, expired or used; 401: not a login token.
                400 | 401 => ApiError::LoginLinkExpired,
                403 => ApiError::LoginDisabled,
                // No account with the link's e-mail, and sign-up is by invitation only.
                410 => ApiError::UnknownEmail,
                _ => ApiError::from_status(status, &text, "login"),
            });
        }
        self.adopt_login(read_json(resp).await?, device).await
    }

    async fn adopt_login(
        &self,
        login: LoginResponse,
        device: &str,
    ) -> ApiResult<(Session, UserInfo)> {
        let session = Session::from_login(&login, device);
        self.set_session(Some(session.clone())).await;
        Ok((session, login.user))
    }
}
