//! VoceSpace meetings: which base to use, your personal signed link, and the invite posted to a
//! conversation.

use crate::app::{CallTarget, Failure};
use crate::model::ConvKey;
use crate::protocol::types::{Content, Properties};
use crate::protocol::vocespace as vs;
use crate::runtime::api::{ApiClient, ApiError};

/// The VoceSpace base: the config's, else the server's deployment, else vocespace.com.
pub(super) async fn vocespace_base(api: &ApiClient, settings: &vs::Settings) -> String {
    if let Some(base) = vs::normalize_base(&settings.base_url) {
        return base;
    }
    match api.vocespace_base().await {
        Ok(Some(base)) => base,
        Ok(None) => vs::FALLBACK_BASE.to_string(),
        Err(e) => {
            tracing::info!("no VoceSpace settings from the server ({e}); using the public one");
            vs::FALLBACK_BASE.to_string()
        }
    }
}

/// Your personal link for `target`, with the call's options over the config's settings.
pub(super) async fn call_link(
    api: &ApiClient,
    settings: &vs::Settings,
    target: CallTarget,
    options: &vs::CallOptions,
    username: String,
    avatar_uid: Option<i64>,
) -> Result<vs::CallLink, Failure> {
    let session = api.session().await.ok_or(ApiError::NoSession)?;
    let (base, space) = match target {
        CallTarget::Space { base, space } => {
            let allowed = vocespace_base(api, settings).await;
            vs::check_invite_base(&base, &allowed).map_err(Failure::Local)?;
            (base, space)
        }
        CallTarget::Conversation(key) => {
            let base = vocespace_base(api, settings).await;
            let space = match key {
                ConvKey::Group(gid) => vs::space_for(Some(gid), None, &base),
                ConvKey::User(uid) => vs::space_for(None, Some(uid), &base),
            };
            (base, space)
        }
    };
    let participant = vs::Participant {
        id: vs::participant_id(&session.server_id, session.uid),
        username,
        avatar: avatar_uid.map(|uid| api.avatar_url(uid).to_string()),
    };
    let now = crate::clock::now_ms() / 1000;
    vs::make_link(settings, options, &base, &space, participant, now).map_err(Failure::Local)
}

/// Posts the plain room link that invites everyone in `key`.
pub(super) async fn post_invite(
    api: &ApiClient,
    settings: &vs::Settings,
    key: ConvKey,
    local_id: i64,
) -> Result<(), ApiError> {
    let base = vocespace_base(api, settings).await;
    let space = match key {
        ConvKey::Group(gid) => vs::space_for(Some(gid), None, &base),
        ConvKey::User(uid) => vs::space_for(None, Some(uid), &base),
    };
    let text = vs::invite_text(&base, &space);
    let props = Properties::with_local_id(local_id);
    api.send(key.target(), &Content::Text(text), &props)
        .await
        .map(drop)
}
