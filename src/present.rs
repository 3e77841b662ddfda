//! How a message's content is presented, by its kind, in one place: what the timeline shows
//! ([`Shown`]), a reply's quote line, a notification's text, the text copy and open read,
//! what search finds it by and shows for a hit, a file's facts (name, size, type, the name
//! it is saved under), and the line `tail` prints and `export` writes. The timeline, search
//! hits, notifications, the store's search index, saved messages, `export` and `tail` all
//! read it from here, so they cannot drift apart (a reply quoting a file showed its server
//! path while the timeline showed its name).
//!
//! Behaviour lives with the part that owns the state it changes: this module owns the
//! presentation of a [`ContentKind`]. The matches that decide it ([`Body::shown`],
//! [`Body::search_text`]) are exhaustive and the other uses follow `shown`, so a new kind is
//! a new arm in each, here, and the compiler lists them.
//!
//! Pure: names come from the `ChatModel` passed in, nothing is read from anywhere else.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

use crate::model::{ChatModel, Message};
use crate::protocol::types::{ContentKind, FileProperties};
use crate::sanitize::{clean, one_line};
use serde_json::Value;

/// The most characters of a name or a remark looked at before fitting it to a width.
const NAME_CHARS: usize = 128;

/// A person as the screen shows them ([`ChatModel::display_name`]), sanitized to one line of
/// at most `cells` cells: `remark (name)` with the remark shortened, never the real name (a
/// remark may be 64 characters; the name is what the server vouches for). A name too wide
/// even alone is shown alone, cut.
pub fn person(names: &ChatModel, uid: i64, cells: usize) -> String {
    use crate::text::wrap::{truncate, width};
    if cells == 0 {
        return String::new();
    }
    let name = one_line(&names.user_name(uid), NAME_CHARS);
    let remark = match names.remarks.get(&uid) {
        Some(r) if Some(uid) != names.me => one_line(r, NAME_CHARS),
        _ => String::new(),
    };
    if remark.is_empty() {
        return truncate(&name, cells);
    }
    let full = format!("{remark} ({name})");
    if width(&full) <= cells {
        return full;
    }
    // " (" and ")" around the name; the remark keeps at least a character and its "…".
    match cells.checked_sub(width(&name) + 3) {
        Some(room) if room >= 2 => format!("{} ({name})", truncate(&remark, room)),
        _ => truncate(&name, cells),
    }
}

/// A message's content as its three parts: from a folded message, a stored record or an
/// archive entry.
#[derive(Debug, Clone, Copy)]
pub struct Body<'a> {
    pub kind: &'a ContentKind,
    pub content: &'a str,
    pub properties: Option<&'a Value>,
}

/// What a message shows, before it is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Plain text, sanitized (mentions as names when names were given).
    Text(String),
    /// Markdown source, sanitized (mentions as names when names were given).
    Markdown(String),
    /// A file or a voice message.
    File(FileFacts),
    /// One line this client writes for the content (forwarded messages, an unknown kind).
    Label(String),
}

impl<'a> Body<'a> {
    pub fn new(kind: &'a ContentKind, content: &'a str, properties: Option<&'a Value>) -> Self {
        Body {
            kind,
            content,
            properties,
        }
    }

    pub fn of(m: &'a Message) -> Self {
        Body::new(&m.kind, &m.content, m.properties.as_ref())
    }

    /// The same with at most the first `max_bytes` of the content (cut at a character):
    /// enough for a screenful or a notification without rendering a huge message.
    pub fn head(self, max_bytes: usize) -> Self {
        Body {
            content: crate::text::split_at_most(self.content, max_bytes).0,
            ..self
        }
    }

    /// A file's facts, for the kinds that are files.
    pub fn file(&self) -> Option<FileFacts> {
        self.kind.is_file().then(|| self.facts())
    }

    fn facts(&self) -> FileFacts {
        let p = FileProperties::from_properties(self.properties);
        let audio = *self.kind == ContentKind::Audio;
        FileFacts {
            audio,
            path: self.content.to_string(),
            name: p.name,
            size: p.size,
            mime: p.content_type,
            duration_ms: audio
                .then(|| crate::protocol::audio::duration_ms(self.properties))
                .flatten(),
        }
    }

    /// What it shows; `names` turns `@uid` mentions into names (`None` keeps them).
    pub fn shown(&self, names: Option<&ChatModel>) -> Shown {
        let text = || {
            let rendered = match names {
                Some(chat) => render_mentions(chat, self.content),
                None => self.content.to_string(),
            };
            clean(&rendered)
        };
        match self.kind {
            ContentKind::Text => Shown::Text(text()),
            ContentKind::Markdown => Shown::Markdown(text()),
            ContentKind::File | ContentKind::Audio => Shown::File(self.facts()),
            ContentKind::Archive => Shown::Label("🗂 forwarded messages".into()),
            ContentKind::Unknown(other) => {
                Shown::Label(format!("[{} message]", one_line(other, 40)))
            }
        }
    }

    /// The text it shows as plain text, mentions as names: what copy and open read and a
    /// notification shows, never the raw content (a file's or an archive's server path).
    pub fn display_text(&self, names: &ChatModel) -> String {
        self.shown(Some(names)).into_plain()
    }

    /// A reply's quote of it: one line of at most `room` characters; a file's name is cut in
    /// the middle, so its extension shows.
    pub fn quote(&self, names: &ChatModel, room: usize) -> String {
        let text = match self.kind {
            ContentKind::Text => self.content.to_string(),
            ContentKind::Markdown => crate::text::markdown_summary(self.content),
            _ => {
                return match self.shown(None) {
                    Shown::File(file) => file.short(room),
                    other => one_line(&other.into_plain(), room),
                };
            }
        };
        one_line(&render_mentions(names, &text), room)
    }

    /// A desktop notification's text for it (one line).
    pub fn notification(&self, names: &ChatModel) -> String {
        match self.shown(Some(names)) {
            Shown::File(file) => file.notification().to_string(),
            other => one_line(&other.into_plain(), 120),
        }
    }

    /// What search finds it by: its text as written, a file's name.
    pub fn search_text(&self) -> String {
        match self.kind {
            ContentKind::Text | ContentKind::Markdown => self.content.to_string(),
            ContentKind::File | ContentKind::Audio => {
                self.file().and_then(|f| f.name).unwrap_or_default()
            }
            ContentKind::Archive | ContentKind::Unknown(_) => String::new(),
        }
    }

    /// The body of the line `tail` prints: the text as written (sanitized, mentions as
    /// `@uid`), a file as its icon and name.
    pub fn line(&self) -> String {
        match self.shown(None) {
            Shown::Text(text) | Shown::Markdown(text) | Shown::Label(text) => text,
            Shown::File(file) => file.short_plain(),
        }
    }
}

impl Shown {
    /// As plain text: markdown rendered, a file as its timeline line.
    pub fn into_plain(self) -> String {
        match self {
            Shown::Text(text) | Shown::Label(text) => text,
            Shown::Markdown(text) => crate::text::markdown_text(&text),
            Shown::File(file) => file.line(),
        }
    }
}

/// A search hit's text as its line shows it (`text` is what the hit was found by,
/// [`Body::search_text`]), in at most about `room` cells: a file's name is cut in the
/// middle, so its extension shows.
pub fn hit_text(kind: &ContentKind, text: &str, names: &ChatModel, room: usize) -> String {
    if kind.is_file() {
        let file = FileFacts {
            audio: *kind == ContentKind::Audio,
            path: String::new(),
            name: Some(text.to_string()).filter(|t| !t.is_empty()),
            size: 0,
            mime: None,
            duration_ms: None,
        };
        return file.short(room);
    }
    render_mentions(names, text)
}

/// `@uid` tokens shown as `@Name` (uids nobody has stay as they are).
pub fn render_mentions(names: &ChatModel, text: &str) -> String {
    crate::protocol::mention::render(text, |uid| {
        names.users.contains_key(&uid).then(|| names.user_name(uid))
    })
}

/// What a file (or voice) message says about its file. The name, size and type come from the
/// message's properties: untrusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// A voice message.
    pub audio: bool,
    /// The file's path on the server.
    pub path: String,
    /// The name its sender gave, as given.
    pub name: Option<String>,
    /// Bytes (0 when not said).
    pub size: u64,
    /// Its MIME type, as given.
    pub mime: Option<String>,
    /// A voice message's length, when its properties give it.
    pub duration_ms: Option<u64>,
}

impl FileFacts {
    fn icon(&self) -> &'static str {
        if self.audio { "🔊" } else { "📎" }
    }

    /// The name, or what stands for a missing one.
    fn name_or_default(&self) -> &str {
        match (&self.name, self.audio) {
            (Some(name), _) => name,
            (None, true) => "voice message",
            (None, false) => "file",
        }
    }

    /// Its line in the timeline: icon, name (cut in the middle), size and type; a voice
    /// message says so, with its length, name and size when its sender gave them.
    pub fn line(&self) -> String {
        if self.audio {
            let mut parts = vec!["🔊 voice message".to_string()];
            parts.extend(self.duration_ms.map(clock));
            parts.extend(
                self.name
                    .as_deref()
                    .map(|n| crate::files::shown_name(n, 80)),
            );
            if self.size > 0 {
                parts.push(crate::files::human_size(self.size));
            }
            return parts.join(" · ");
        }
        format!(
            "{} {} · {} · {}",
            self.icon(),
            crate::files::shown_name(self.name_or_default(), 80),
            crate::files::human_size(self.size),
            one_line(self.mime.as_deref().unwrap_or(""), 40)
        )
    }

    /// Icon and name in at most `room` cells, the name cut in the middle (a quote, a hit).
    pub fn short(&self, room: usize) -> String {
        format!(
            "{} {}",
            self.icon(),
            crate::files::shown_name(self.name_or_default(), room.saturating_sub(3))
        )
    }

    /// Icon and name, the name whole and sanitized (`tail`, `export`).
    pub fn short_plain(&self) -> String {
        format!("{} {}", self.icon(), self.plain_name())
    }

    /// The name, whole and sanitized (`tail`, `export`).
    pub fn plain_name(&self) -> String {
        self.name
            .as_deref()
            .map_or_else(|| self.name_or_default().to_string(), clean)
    }

    /// The icon of a link to it (`export`).
    pub fn link_icon(&self) -> &'static str {
        self.icon()
    }

    /// A notification's text for it.
    pub fn notification(&self) -> &'static str {
        if self.audio {
            "sent a voice message"
        } else {
            "sent a file"
        }
    }

    /// The name it is saved under, safe as a file name: what is checked before opening is
    /// what is opened. A voice message without a name gets the extension its type names
    /// (when it is a known audio type), so a player opens it without asking.
    pub fn download_name(&self) -> String {
        let name = match (&self.name, self.audio) {
            (Some(name), _) => name.clone(),
            (None, true) => match self.mime.as_deref().and_then(audio_extension) {
                Some(ext) => format!("voice message.{ext}"),
                None => "voice message".to_string(),
            },
            (None, false) => "download".to_string(),
        };
        crate::files::safe_file_name(&name)
    }

    /// An image, by its type: it has a thumbnail to preview.
    pub fn is_image(&self) -> bool {
        self.mime
            .as_deref()
            .is_some_and(|m| m.starts_with("image/"))
    }
}

/// A voice message's length as `m:ss` (`h:mm:ss` from an hour), rounded up to whole
/// seconds as the web client shows it.
pub fn clock(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The usual extension of an audio MIME type (`audio/mp4` is what the official app records).
fn audio_extension(mime: &str) -> Option<&'static str> {
    let essence = mime.split(';').next().unwrap_or_default().trim();
    Some(match essence.to_ascii_lowercase().as_str() {
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" => "m4a",
        "audio/aac" => "aac",
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/ogg" => "ogg",
        "audio/opus" => "opus",
        "audio/webm" => "webm",
        "audio/wav" | "audio/wave" | "audio/x-wav" => "wav",
        "audio/flac" => "flac",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;
    use crate::protocol::types::ChatMessage;
    use serde_json::json;

    /// A model where bob (uid 2) sent message 1 with this detail.
    fn sent(detail: Value) -> ChatModel {
        let mut chat = ChatModel::new(1);
        chat.users.insert(
            2,
            serde_json::from_value(json!({"uid": 2, "name": "bob"})).unwrap(),
        );
        let m: ChatMessage = serde_json::from_value(json!({
            "mid": 1, "from_uid": 2, "created_at": 5, "target": {"gid": 1}, "detail": detail
        }))
        .unwrap();
        chat.apply_chat(m, Source::Stream);
        chat
    }

    fn normal(content_type: &str, content: &str, properties: Value) -> Value {
        json!({"type": "normal", "content_type": content_type, "content": content,
            "properties": properties})
    }

    #[test]
    fn a_file_an_archive_or_an_unknown_kind_never_shows_its_server_path() {
        let file = normal(
            "vocechat/file",
            "2026/1/5/file",
            json!({"name": "report.pdf", "size": 2048, "content_type": "application/pdf"}),
        );
        let archive = normal("vocechat/archive", "2026/1/5/archive", Value::Null);
        let unknown = normal("vocechat/sticker", "2026/1/5/sticker", Value::Null);
        for (detail, quote) in [
            (file, "📎 report.pdf"),
            (archive, "🗂 forwarded messages"),
            (unknown, "[vocechat/sticker message]"),
        ] {
            let chat = sent(detail);
            let body = Body::of(chat.message(1).unwrap());
            assert_eq!(body.quote(&chat, 40), quote);
            for shown in [
                body.quote(&chat, 40),
                body.display_text(&chat),
                body.notification(&chat),
                body.line(),
            ] {
                assert!(!shown.contains("2026/1/5"), "{shown}");
            }
        }
    }

    #[test]
    fn text_is_quoted_notified_and_printed_as_written() {
        let chat = sent(normal(
            "text/markdown",
            "**Bold** @2 and `code`",
            Value::Null,
        ));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(body.quote(&chat, 40), "Bold @bob and code");
        assert_eq!(body.quote(&chat, 8), "Bold @b…");
        assert_eq!(body.notification(&chat), "Bold @bob and code");
        assert_eq!(body.line(), "**Bold** @2 and `code`");
        assert_eq!(body.search_text(), "**Bold** @2 and `code`");
        let chat = sent(normal("text/plain", "hi @2\u{1b}[2J", Value::Null));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(body.display_text(&chat), "hi @bob");
        assert_eq!(body.file(), None);
    }

    #[test]
    fn a_quoted_file_name_keeps_its_extension() {
        let name = format!("Q3_{}.pdf{}.terminal", "x".repeat(40), "_".repeat(30));
        let chat = sent(normal(
            "vocechat/file",
            "2026/1/5/q3",
            json!({"name": name}),
        ));
        let body = Body::of(chat.message(1).unwrap());
        let quote = body.quote(&chat, 30);
        assert!(quote.ends_with(".terminal"), "{quote}");
        assert!(crate::text::wrap::width(&quote) <= 30, "{quote}");
        assert_eq!(body.search_text(), name);
        assert_eq!(body.file().map(|f| f.path), Some("2026/1/5/q3".into()));
    }

    #[test]
    fn a_voice_message_shows_as_an_audio_file() {
        let chat = sent(normal(
            "vocechat/audio",
            "2026/7/24/memo",
            json!({"name": "memo.m4a", "size": 12_345, "content_type": "audio/mp4"}),
        ));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(
            body.display_text(&chat),
            "🔊 voice message · memo.m4a · 12.1 KB"
        );
        assert_eq!(body.quote(&chat, 40), "🔊 memo.m4a");
        assert_eq!(body.notification(&chat), "sent a voice message");
        assert_eq!(body.line(), "🔊 memo.m4a");
        assert_eq!(body.search_text(), "memo.m4a");
        assert_eq!(
            hit_text(body.kind, &body.search_text(), &chat, 40),
            "🔊 memo.m4a"
        );
        let file = body.file().unwrap();
        assert_eq!(
            (file.path.as_str(), file.download_name().as_str()),
            ("2026/7/24/memo", "memo.m4a")
        );
        // As the official app sends one: a client id, no name, size or type.
        let chat = sent(normal(
            "vocechat/audio",
            "2026/7/24/bare",
            json!({"cid": "c1"}),
        ));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(body.display_text(&chat), "🔊 voice message");
        assert_eq!(body.quote(&chat, 40), "🔊 voice message");
        assert_eq!(body.line(), "🔊 voice message");
        assert_eq!(body.file().unwrap().download_name(), "voice message");
        // Its type names the extension it is saved with.
        let chat = sent(normal(
            "vocechat/audio",
            "2026/7/24/typed",
            json!({"content_type": "audio/ogg; codecs=opus"}),
        ));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(body.file().unwrap().download_name(), "voice message.ogg");
    }

    #[test]
    fn a_long_remark_is_shortened_never_the_real_name() {
        let mut chat = ChatModel::new(1);
        chat.me = Some(1);
        for (uid, name) in [(2, "bob"), (3, "a-very-long-account-name-indeed")] {
            chat.users.insert(
                uid,
                serde_json::from_value(json!({"uid": uid, "name": name})).unwrap(),
            );
        }
        let remark = "Bobby from the design team, who reviews every release note twice";
        assert_eq!(remark.chars().count(), 64);
        chat.remarks.insert(2, remark.to_string());
        chat.remarks.insert(3, "Al".to_string());
        assert_eq!(person(&chat, 2, 20), "Bobby from th… (bob)");
        assert_eq!(person(&chat, 2, 16), "Bobby fro… (bob)");
        assert_eq!(person(&chat, 2, 200), format!("{remark} (bob)"));
        assert_eq!(person(&chat, 2, 8), "B… (bob)");
        // No room for any of the remark: the name alone.
        assert_eq!(person(&chat, 2, 7), "bob");
        assert_eq!(person(&chat, 3, 16), "a-very-long-acc…");
        assert_eq!(person(&chat, 3, 40), "Al (a-very-long-account-name-indeed)");
        // Your own name, and people without a remark.
        assert_eq!(person(&chat, 1, 16), chat.user_name(1));
        for cells in 0..40 {
            assert!(crate::text::wrap::width(&person(&chat, 2, cells)) <= cells);
        }
    }

    #[test]
    fn a_voice_message_shows_its_length_when_its_properties_give_it() {
        let chat = sent(normal(
            "vocechat/audio",
            "2026/7/24/memo",
            json!({"name": "memo.m4a", "size": 12_345, "duration": 6.2}),
        ));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(
            body.display_text(&chat),
            "🔊 voice message · 0:07 · memo.m4a · 12.1 KB"
        );
        let chat = sent(normal(
            "vocechat/audio",
            "2026/7/24/long",
            json!({"duration": 3_725_000}),
        ));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(body.display_text(&chat), "🔊 voice message · 1:02:05");
        // A whole `duration` is seconds: a twelve-minute memo shows 12:00, not 0:01.
        let chat = sent(normal(
            "vocechat/audio",
            "2026/7/24/memo12",
            json!({"duration": 720}),
        ));
        let body = Body::of(chat.message(1).unwrap());
        assert_eq!(body.display_text(&chat), "🔊 voice message · 12:00");
        // A file is no voice message, whatever its properties say.
        let chat = sent(normal(
            "vocechat/file",
            "2026/7/24/f",
            json!({"name": "a.pdf", "duration": 7}),
        ));
        assert_eq!(
            Body::of(chat.message(1).unwrap())
                .file()
                .unwrap()
                .duration_ms,
            None
        );
        assert_eq!(
            (clock(0), clock(1), clock(59_001)),
            ("0:00".into(), "0:01".into(), "1:00".into())
        );
    }
}
