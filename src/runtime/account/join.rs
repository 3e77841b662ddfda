//! Joining from a link: checking an invite link's token, registering a new account with it,
//! and logging in with an e-mailed login link. Each checks first that the address is a
//! VoceChat server, as a password login does. The tokens are never logged.

use crate::app::{Failure, LoggedIn};
use crate::protocol::ApiError;
use crate::runtime::api::ApiClient;

/// Whether the server at `server` still accepts an invite link's token.
pub async fn check_invite(server: &str, token: &str) -> Result<bool, Failure> {
    let api = ApiClient::new(server)?;
    api.version().await?;
    Ok(api.check_magic_token(token).await?)
}

/// Registers `name`/`email`/`password` with an invite token; the server logs the new account
/// in on `device`.
pub(super) async fn register(
    server: &str,
    token: &str,
    name: &str,
    email: &str,
    password: &str,
    device: &str,
) -> Result<(ApiClient, LoggedIn), Failure> {
    let api = ApiClient::new(server)?;
    api.version().await?;
    let (session, user) = api.register(token, name, email, password, device).await?;
    tracing::info!(uid = session.uid, "registered from an invite link");
    let email = user
        .email
        .clone()
        .unwrap_or_else(|| email.trim().to_string());
    Ok(logged_in(api, session.uid, user, email))
}

/// Logs in with a login link's token (no password). A token the server says is no good is
/// reported as an expired link, before a login is tried with it.
pub(super) async fn login_link(
    server: &str,
    token: &str,
    device: &str,
) -> Result<(ApiClient, LoggedIn), Failure> {
    let api = ApiClient::new(server)?;
    api.version().await?;
    if !api.check_magic_token(token).await? {
        return Err(ApiError::LoginLinkExpired.into());
    }
    let (session, user) = api.login_with_link(token, device).await?;
    tracing::info!(uid = session.uid, "logged in with a login link");
    let email = user.email.clone().unwrap_or_default();
    Ok(logged_in(api, session.uid, user, email))
}

fn logged_in(
    api: ApiClient,
    uid: i64,
    user: crate::protocol::types::UserInfo,
    email: String,
) -> (ApiClient, LoggedIn) {
    let server = api.base_url().to_string();
    (
        api,
        LoggedIn {
            // Numbered by `account::open`.
            account: crate::app::FIRST_ACCOUNT,
            uid,
            user: Some(user),
            server,
            email,
        },
    )
}
