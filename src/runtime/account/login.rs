//! Logging in (server check, password or password command, login) and keeping the saved
//! session up to date with every renewal.

use crate::app::{Failure, LoggedIn};
use crate::runtime::api::ApiClient;
use crate::runtime::session_store::{SavedLogin, SessionStore};
use std::sync::Arc;

/// Checks the server, gets the password (typed or from the command) and logs in.
pub(super) async fn login(
    server: &str,
    email: &str,
    password: String,
    from_command: bool,
    device: &str,
) -> Result<(ApiClient, LoggedIn), Failure> {
    let api = ApiClient::new(server)?;
    api.version().await?;
    let password = if from_command {
        run_password_command(&password)
            .await
            .map_err(Failure::Local)?
    } else {
        password
    };
    let session = api.login(email, &password, device).await?;
    let user = api.me().await.ok();
    let server = api.base_url().to_string();
    Ok((
        api,
        LoggedIn {
            // Numbered by `account::open`.
            account: crate::app::FIRST_ACCOUNT,
            uid: session.uid,
            user,
            server,
            email: email.to_string(),
        },
    ))
}

/// First line of the command's output; its stderr is not shown (it may hold secrets).
pub async fn run_password_command(cmd: &str) -> Result<String, String> {
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| format!("password_command could not start: {e}"))?;
    if !out.status.success() {
        return Err(format!("password_command failed ({})", out.status));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| "password_command printed invalid UTF-8".to_string())?;
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        return Err("password_command printed nothing".into());
    }
    Ok(line)
}

/// Renewals take turns with other processes (the UI, `send`, `export`) through the saved
/// session file of the account `uid` on `server`.
pub(super) fn share_sessions(
    api: &ApiClient,
    store: Arc<SessionStore>,
    server: String,
    email: String,
    uid: i64,
) {
    api.share_session(Arc::new(crate::runtime::session_store::SharedSession {
        store,
        server,
        email,
        uid,
    }));
}

/// Shares renewals as [`share_sessions`] does, and saves every session change (login, each
/// renewal's rotated refresh token) for the account `uid` on `server`, off the UI task; deletes the file on
/// logout. A save never replaces a newer session another process saved.
pub(super) fn persist_sessions(
    api: &ApiClient,
    store: Arc<SessionStore>,
    server: String,
    email: String,
    uid: i64,
) {
    share_sessions(api, store.clone(), server.clone(), email.clone(), uid);
    let mut rx = api.watch_session();
    tokio::spawn(async move {
        loop {
            let current = rx.borrow_and_update().clone();
            let store = store.clone();
            let (server, email) = (server.clone(), email.clone());
            let result = tokio::task::spawn_blocking(move || match current {
                Some(session) => store.save(&SavedLogin {
                    server,
                    email,
                    session,
                }),
                None => store.delete(&server, uid),
            })
            .await;
            if let Ok(Err(e)) = result {
                tracing::warn!("could not save the session: {e}");
            }
            if rx.changed().await.is_err() {
                break;
            }
        }
    });
}
