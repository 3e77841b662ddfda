//! The effects an account carries out: each spawns a task on the account's client (and
//! store) and reports back with a `Msg`; the UI task never awaits any of them.

use super::{AccountSession, meeting, preview, read_marks, send::send_once};
use crate::app::{AnnounceOp, Effect, Failure, Msg};
use crate::model::ConvKey;
use crate::protocol::types::NewGroup;
use crate::runtime::api::{ApiError, MuteChange};
use crate::runtime::store::task::Job;
use crate::runtime::tasks::{download, upload};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

/// At most this often a task reports progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl AccountSession {
    /// Carries out `effect` for this account. Effects that concern no account (opening a
    /// link, staging files…) are the executor's and ignored here.
    pub fn run(&mut self, effect: Effect) {
        let tx = self.ctx.tx.clone();
        let api = self.api.clone();
        match effect {
            Effect::StartSync => self.start_sync(),
            Effect::RebuildStore => self.rebuild_store(),
            Effect::ReconnectNow => self.reconnect_now(),
            Effect::CancelUpload { task, local_id } => {
                if let Some(handle) = self.uploads.remove(&task) {
                    handle.abort();
                }
                if let Some(local) = self.local() {
                    local.send(Job::UploadEnded(local_id));
                }
            }
            Effect::Forget(id) => {
                if let Some(local) = self.local() {
                    local.send(Job::Unqueue(id));
                }
            }
            Effect::Search { seq, query } => self.search(seq, query),
            Effect::ProbeServer => {
                tokio::spawn(async move {
                    let (version, common) = tokio::join!(api.version(), api.system_common());
                    let _ = tx.send(Msg::ServerInfo(crate::app::ServerInfo {
                        version: version.ok(),
                        common: common.map_err(Failure::from),
                    }));
                });
            }
            Effect::Contacts(effect) => self.contacts(effect),
            Effect::SaveCapabilities(caps) => {
                if let Some(local) = self.local() {
                    local.send(Job::Capabilities(caps));
                }
            }
            Effect::SaveNotifyRules(rules) => {
                if let Some(local) = self.local() {
                    local.send(Job::NotifyRules(rules));
                }
            }
            Effect::FetchLinkPreview { url } => {
                tokio::spawn(async move {
                    let result = api.open_graph(&url).await;
                    let result = result
                        .map(|og| crate::model::LinkPreview::of_answer(&og))
                        .map_err(Failure::from);
                    let _ = tx.send(Msg::LinkPreview { url, result });
                });
            }
            Effect::KeepLinkPreview { url, preview } => {
                if let Some(local) = self.local() {
                    local.send(Job::LinkPreview(url, preview));
                }
            }
            Effect::Keep(event) => {
                if let Some(local) = self.local() {
                    local.send(Job::Event(event));
                }
            }
            Effect::PinChat { key, pin } => {
                tokio::spawn(async move {
                    let result = api.pin_chat(key.target(), pin).await;
                    let _ = tx.send(Msg::Pinned {
                        key,
                        pin,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::PinMessage { gid, mid, pin } => {
                tokio::spawn(async move {
                    let result = if pin {
                        api.pin(gid, mid).await
                    } else {
                        api.unpin(gid, mid).await
                    };
                    let _ = tx.send(Msg::MessagePinned {
                        gid,
                        mid,
                        pin,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::Forward { task, mids, to } => {
                tokio::spawn(async move {
                    let result = api.forward(&mids, to.target()).await;
                    let _ = tx.send(Msg::Forwarded {
                        task,
                        to,
                        count: mids.len(),
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::FetchArchive { path } => {
                tokio::spawn(async move {
                    let result = api.archive(&path).await.map(Box::new);
                    let _ = tx.send(Msg::ArchiveFetched {
                        path,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::SetRemark { uid, remark } => {
                tokio::spawn(async move {
                    let result = api.set_remark(uid, &remark).await;
                    let _ = tx.send(Msg::Remarked {
                        uid,
                        remark,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::FetchAnnouncement { gid } => {
                tokio::spawn(async move {
                    let result = api.announcement(gid).await;
                    let _ = tx.send(Msg::Announcement {
                        gid,
                        op: AnnounceOp::Fetch,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::Announce { gid, content } => {
                tokio::spawn(async move {
                    let (op, result) = match content {
                        Some(text) => (
                            AnnounceOp::Set,
                            api.set_announcement(gid, &text).await.map(Some),
                        ),
                        None => (
                            AnnounceOp::Clear,
                            api.clear_announcement(gid).await.map(|()| None),
                        ),
                    };
                    let _ = tx.send(Msg::Announcement {
                        gid,
                        op,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::Send {
                key,
                local_id,
                content,
                properties,
                reply_to,
                retry,
            } => {
                // Written to the outbox first: a crash or a restart cannot lose it.
                let written = self.local().map(|local| {
                    let (done, written) = oneshot::channel();
                    local.send(Job::Queue {
                        key,
                        out: crate::runtime::store::Outgoing {
                            local_id,
                            content_type: content.content_type().to_string(),
                            body: content.body(),
                            reply_to,
                            created_at: crate::clock::now_ms(),
                            failed: None,
                        },
                        written: done,
                    });
                    written
                });
                tokio::spawn(async move {
                    if let Some(written) = written {
                        let _ = written.await;
                    }
                    let result =
                        send_once(&api, key, local_id, &content, &properties, reply_to, retry)
                            .await;
                    let _ = tx.send(Msg::Sent {
                        key,
                        local_id,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::LoadHistory { key, before, limit } => {
                let local = self.local().cloned();
                tokio::spawn(async move {
                    // Older pages come from the store when it has a whole one.
                    if let Some(local) = local {
                        let page = local.read(key, before, limit as usize).await;
                        if page.len() >= limit as usize {
                            let _ = tx.send(Msg::History {
                                key,
                                before,
                                limit,
                                result: Ok(page),
                            });
                            return;
                        }
                    }
                    let result = api.history(key.target(), before, limit).await;
                    let _ = tx.send(Msg::History {
                        key,
                        before,
                        limit,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::StoreOlder { key, before, limit } => {
                self.store_older(api, key, before, limit);
            }
            Effect::MarkRead { key, mid } => {
                let marks = self.read_marks.get_or_insert_with(read_marks::spawn);
                let _ = marks.send(read_marks::Mark { api, key, mid });
            }
            Effect::Change(change) => self.send_change(api, change),
            Effect::DeleteMany(changes) => self.send_bulk_delete(api, changes),
            Effect::ClearChannel { gid } => {
                tokio::spawn(async move {
                    let result = api.clear_group(gid).await.map_err(Failure::from);
                    let _ = tx.send(Msg::ChannelCleared { gid, result });
                });
            }
            Effect::LoadSaved => self.load_saved(api),
            Effect::ListDevices => self.list_devices(api),
            Effect::LogoutDevice(device) => self.logout_device(api, device),
            Effect::SaveMessage { mid, key } => self.save_message(api, mid, key),
            Effect::Unsave { id, mid } => self.unsave(api, id, mid),
            Effect::Mute { key, seconds } => done(tx, "mute", async move {
                let mut c = MuteChange::default();
                match key {
                    ConvKey::User(uid) => c.add_users.push((uid, seconds)),
                    ConvKey::Group(gid) => c.add_groups.push((gid, seconds)),
                }
                api.mute(&c).await
            }),
            Effect::Unmute { key } => done(tx, "unmute", async move {
                let mut c = MuteChange::default();
                match key {
                    ConvKey::User(uid) => c.remove_users.push(uid),
                    ConvKey::Group(gid) => c.remove_groups.push(gid),
                }
                api.mute(&c).await
            }),
            Effect::Burn { key, seconds } => done(tx, "burn after reading", async move {
                api.burn_after_reading(key.target(), seconds).await
            }),
            Effect::Leave { gid } => done(tx, "leave", async move { api.leave_group(gid).await }),
            Effect::CreateGroup {
                name,
                members,
                public,
            } => done(tx, "create", async move {
                api.create_group(&NewGroup {
                    name,
                    description: None,
                    members,
                    is_public: public,
                })
                .await
                .map(drop)
            }),
            Effect::Invite { gid, uids } => {
                done(
                    tx,
                    "invite",
                    async move { api.add_members(gid, &uids).await },
                );
            }
            Effect::CallLink {
                task,
                target,
                options,
                username,
                avatar_uid,
            } => {
                let settings = self.ctx.vocespace.clone();
                tokio::spawn(async move {
                    let result =
                        meeting::call_link(&api, &settings, target, &options, username, avatar_uid)
                            .await;
                    let _ = tx.send(Msg::CallLink { task, result });
                });
            }
            Effect::PostInvite {
                task,
                key,
                local_id,
            } => {
                let settings = self.ctx.vocespace.clone();
                tokio::spawn(async move {
                    let result = meeting::post_invite(&api, &settings, key, local_id).await;
                    let _ = tx.send(Msg::Done {
                        task: Some(task),
                        what: "meeting invite".into(),
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::Upload {
                task: task_id,
                key,
                local_id,
                file,
            } => {
                if let Some(local) = self.local() {
                    local.send(Job::UploadStarted(
                        local_id,
                        key,
                        file.path.display().to_string(),
                    ));
                }
                let job = upload::UploadJob {
                    to: key.target(),
                    file,
                    local_id,
                    chunk_size: self.ctx.chunk_size,
                    adaptive: true,
                };
                let task = tokio::spawn(async move {
                    let mut last: Option<Instant> = None;
                    let progress_tx = tx.clone();
                    let result = upload::run(&api, &job, move |sent, total| {
                        // At most ten reports a second, and always the last one.
                        if last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) || sent == total {
                            last = Some(Instant::now());
                            let _ = progress_tx.send(Msg::UploadProgress {
                                key,
                                local_id,
                                sent,
                                total,
                            });
                        }
                    })
                    .await;
                    let _ = tx.send(Msg::Uploaded {
                        key,
                        local_id,
                        result,
                    });
                });
                self.uploads.retain(|_, h| !h.is_finished());
                self.uploads.insert(task_id, task.abort_handle());
            }
            Effect::Play {
                task,
                key,
                mid,
                path,
                name,
                player,
            } => {
                let url = api.file_url(&path, false).to_string();
                let http = api.http().clone();
                // The data directory is private (0700); without one, a directory of its own in
                // the download directory (the cache makes its directory private and prunes it).
                let cache = self
                    .voice_dir()
                    .unwrap_or_else(|| download::download_dir().join("vocechat voice"));
                tokio::spawn(async move {
                    let voice = crate::runtime::tasks::play::Voice {
                        key,
                        mid,
                        path: &path,
                        name: &name,
                    };
                    let result =
                        crate::runtime::tasks::play::play(&http, &url, voice, &cache, &player)
                            .await;
                    let ok = result.is_ok();
                    let _ = tx.send(Msg::Done {
                        task: Some(task),
                        what: format!("playing {}", crate::files::shown_name(&name, 40)),
                        result: result.map(|_| ()).map_err(Failure::Local),
                    });
                    if ok {
                        let shown = crate::files::shown_name(&name, 40);
                        let _ = tx.send(Msg::Notice(format!("playing {shown}")));
                    }
                });
            }
            Effect::Download {
                task,
                path,
                name,
                open,
            } => {
                let url = api.file_url(&path, false).to_string();
                let http = api.http().clone();
                tokio::spawn(async move {
                    let progress_tx = tx.clone();
                    let mut last: Option<Instant> = None;
                    let result = download::run(
                        &http,
                        &url,
                        &name,
                        &download::download_dir(),
                        open,
                        move |done, total| {
                            if last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
                                last = Some(Instant::now());
                                let _ = progress_tx.send(Msg::Progress { task, done, total });
                            }
                        },
                    )
                    .await;
                    let _ = tx.send(Msg::Downloaded {
                        task,
                        name,
                        result: result.map_err(Failure::Local),
                    });
                });
            }
            Effect::Preview { task, path, name } => {
                let url = api.file_url(&path, true).to_string();
                let http = api.http().clone();
                tokio::spawn(async move {
                    let result =
                        preview::preview(&http, &url)
                            .await
                            .map(|image| crate::app::Preview {
                                name,
                                image: Arc::new(image),
                            });
                    let _ = tx.send(Msg::Preview { task, result });
                });
            }
            Effect::Logout { forget } => {
                if forget {
                    // No more events may reach the store once it is emptied.
                    self.sync = None;
                }
                let local = self.local().cloned().filter(|_| forget);
                tokio::spawn(async move {
                    if let Some(local) = local {
                        let (done, wiped) = oneshot::channel();
                        local.send(Job::Wipe(done));
                        let _ = wiped.await;
                    }
                    if let Err(e) = api.logout().await {
                        tracing::warn!("logout: {e}");
                    }
                    let _ = tx.send(Msg::LoggedOut);
                });
            }
            // The executor's, or the loop's.
            Effect::Login { .. }
            | Effect::CheckInvite { .. }
            | Effect::Register { .. }
            | Effect::LinkLogin { .. }
            | Effect::AddAccount(_)
            | Effect::EndAccount { .. }
            | Effect::Notify { .. }
            | Effect::OpenUrl(_)
            | Effect::StageFiles { .. }
            | Effect::CompletePath { .. }
            | Effect::CopyText(_)
            | Effect::CopyFileUrl { .. }
            | Effect::OpenEditor(_)
            | Effect::For(..)
            | Effect::Bell => {}
        }
    }
}

fn done<F>(tx: UnboundedSender<Msg>, what: &'static str, fut: F)
where
    F: std::future::Future<Output = Result<(), ApiError>> + Send + 'static,
{
    tokio::spawn(async move {
        let result = fut.await.map_err(Failure::from);
        let _ = tx.send(Msg::Done {
            task: None,
            what: what.to_string(),
            result,
        });
    });
}
