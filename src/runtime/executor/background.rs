//! Small jobs off the UI task: checking paths for staging (file-system calls) and desktop
//! notifications through `notify-send`.

use crate::app::{AccountId, Msg};
use crate::runtime::tasks::upload;
use tokio::sync::mpsc::UnboundedSender;

/// `msg` as account `account`'s answer (untagged when it has none).
pub(super) fn answer_of(account: Option<AccountId>, msg: Msg) -> Msg {
    match account {
        Some(id) => Msg::For(id, Box::new(msg)),
        None => msg,
    }
}

/// Checks paths for staging off the UI task (file-system calls); the answer is account
/// `account`'s (its composer asked).
pub(super) fn stage_files(
    tx: UnboundedSender<Msg>,
    account: Option<AccountId>,
    paths: Vec<String>,
    paste: Option<String>,
) {
    tokio::spawn(async move {
        let checked = tokio::task::spawn_blocking(move || {
            paths.iter().map(|p| upload::stage(p)).collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let (mut files, mut errors) = (Vec::new(), Vec::new());
        for c in checked {
            match c {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
        if paste.is_some() && files.is_empty() {
            errors.clear(); // not a file after all: the paste becomes text
        }
        let _ = tx.send(answer_of(
            account,
            Msg::Staged {
                files,
                errors,
                paste,
            },
        ));
    });
}

/// A desktop notification through `notify-send` when a local desktop is reachable.
pub(super) fn notify_desktop(title: String, body: String) {
    if !crate::runtime::notify::desktop_is_local() {
        return;
    }
    // Many daemons read the body as markup: it must not make a link or an image.
    let (title, body) = crate::runtime::notify::notify_send_texts(&title, &body);
    tokio::spawn(async move {
        let _ = tokio::process::Command::new("notify-send")
            .arg("--app-name=vocechat-tui")
            // Server text after `--`: a title like `--action=…` is no option.
            .arg("--")
            .arg(title)
            .arg(body)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .await;
    });
}
