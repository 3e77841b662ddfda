//! What a message carries, typed: [`ContentKind`], parsed once from the wire's `content_type`
//! (protocol §3.4; `vocechat/audio` from newer servers), and [`Content`], what this client
//! sends. The wire strings live here and nowhere else: every other layer matches the kind,
//! so a new kind is a new variant, and each `match` on it is the compiler's list of what
//! still has to handle it (`present` shows it, the store indexes it).
//!
//! Behaviour lives with the part that owns the state it changes: this module owns the
//! mapping between kinds and wire strings, and nothing else decides what a string means.

const TEXT: &str = "text/plain";
const MARKDOWN: &str = "text/markdown";
const FILE: &str = "vocechat/file";
const AUDIO: &str = "vocechat/audio";
const ARCHIVE: &str = "vocechat/archive";

/// The kind of a message's content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContentKind {
    /// `text/plain`: the text, mentions inline as `@<uid>`.
    Text,
    /// `text/markdown`: markdown text.
    Markdown,
    /// `vocechat/file`: the content is the file's path on the server, the properties say
    /// its name, size and type.
    File,
    /// `vocechat/audio` (newer servers): a voice message, a file like `File` (its path as
    /// the content; file-like properties when the sender gave them).
    Audio,
    /// `vocechat/archive`: forwarded messages, the content an archive's path.
    Archive,
    /// A type this client does not know, as the server sent it.
    Unknown(String),
}

impl ContentKind {
    /// The kind a `content_type` names. `text/plain` is matched by its MIME type (a
    /// `; charset=…` parameter and any case allowed), every other type as an exact string,
    /// as the server matches them.
    pub fn parse(content_type: &str) -> ContentKind {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match content_type {
            _ if essence.eq_ignore_ascii_case(TEXT) => ContentKind::Text,
            MARKDOWN => ContentKind::Markdown,
            FILE => ContentKind::File,
            AUDIO => ContentKind::Audio,
            ARCHIVE => ContentKind::Archive,
            other => ContentKind::Unknown(other.to_string()),
        }
    }

    /// The wire `content_type` (an unknown one as it came).
    pub fn content_type(&self) -> &str {
        match self {
            ContentKind::Text => TEXT,
            ContentKind::Markdown => MARKDOWN,
            ContentKind::File => FILE,
            ContentKind::Audio => AUDIO,
            ContentKind::Archive => ARCHIVE,
            ContentKind::Unknown(other) => other,
        }
    }

    /// The content is a file's path on the server and the properties describe the file:
    /// it can be downloaded, opened and its link copied, but not edited.
    pub fn is_file(&self) -> bool {
        match self {
            ContentKind::File | ContentKind::Audio => true,
            ContentKind::Text
            | ContentKind::Markdown
            | ContentKind::Archive
            | ContentKind::Unknown(_) => false,
        }
    }

    /// The wire types of the kinds that are files ([`ContentKind::is_file`]), for a
    /// filter that runs where only the stored string is (the store's `has:file`).
    pub fn file_types() -> [&'static str; 2] {
        [FILE, AUDIO]
    }
}

/// What a message carries, with its exact wire content type: what this client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    Markdown(String),
    /// A file already uploaded; `path` as returned by the upload.
    File {
        path: String,
    },
    /// An archive path from `POST /api/resource/archive`.
    Archive(String),
}

impl Content {
    /// Text written as `kind` says: markdown for a markdown kind, else plain text (an edit's
    /// pre-fill, an outbox entry read back).
    pub fn text(kind: &ContentKind, body: String) -> Content {
        match kind {
            ContentKind::Markdown => Content::Markdown(body),
            _ => Content::Text(body),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> ContentKind {
        match self {
            Content::Text(_) => ContentKind::Text,
            Content::Markdown(_) => ContentKind::Markdown,
            Content::File { .. } => ContentKind::File,
            Content::Archive(_) => ContentKind::Archive,
        }
    }

    /// The exact `Content-Type` header; anything but `text/plain` is matched as an exact string.
    pub fn content_type(&self) -> &'static str {
        match self {
            Content::Text(_) => TEXT,
            Content::Markdown(_) => MARKDOWN,
            Content::File { .. } => FILE,
            Content::Archive(_) => ARCHIVE,
        }
    }

    pub fn body(&self) -> String {
        match self {
            Content::Text(t) | Content::Markdown(t) | Content::Archive(t) => t.clone(),
            Content::File { path } => {
                // A struct of one string always serializes.
                serde_json::to_string(&super::requests::FileMessageBody { path: path.clone() })
                    .unwrap_or_default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_wire_strings() {
        for kind in [
            ContentKind::Text,
            ContentKind::Markdown,
            ContentKind::File,
            ContentKind::Audio,
            ContentKind::Archive,
            ContentKind::Unknown("vocechat/sticker".into()),
        ] {
            assert_eq!(ContentKind::parse(kind.content_type()), kind);
        }
        for content in [
            Content::Text("a".into()),
            Content::Markdown("a".into()),
            Content::File { path: "p".into() },
            Content::Archive("p".into()),
        ] {
            assert_eq!(content.kind().content_type(), content.content_type());
        }
    }

    #[test]
    fn plain_text_is_matched_by_its_mime_type_the_rest_exactly() {
        assert_eq!(
            ContentKind::parse("text/plain; charset=utf-8"),
            ContentKind::Text
        );
        assert_eq!(ContentKind::parse("Text/Plain"), ContentKind::Text);
        assert_eq!(
            ContentKind::parse("text/markdown; charset=utf-8"),
            ContentKind::Unknown("text/markdown; charset=utf-8".into())
        );
        assert_eq!(
            ContentKind::parse("vocechat/FILE"),
            ContentKind::Unknown("vocechat/FILE".into())
        );
        assert!(ContentKind::Audio.is_file() && ContentKind::File.is_file());
        assert!(!ContentKind::Archive.is_file());
    }
}
