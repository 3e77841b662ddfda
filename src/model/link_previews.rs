//! Link previews (issue 23 item 7, opt-in with `ui.link_previews`): what the server's
//! `open_graphic_parse` said of each link asked about (the site, the title and the first
//! line of the description, cleaned and cut), which links are being asked about, which could
//! not be, and each message's one link. Bounded everywhere: the newest [`PREVIEWS_MAX`]
//! links are kept (with the store, which keeps as many), at most [`IN_FLIGHT_MAX`] asked at
//! once, one request per link.

use crate::protocol::open_graph::OpenGraph;
use std::collections::{HashMap, HashSet, VecDeque};

/// At most this many links' answers are kept (the oldest asked go first), here and in the
/// store.
pub const PREVIEWS_MAX: usize = 2_000;

/// At most this many links are asked about at once.
pub const IN_FLIGHT_MAX: usize = 3;

/// Each field of a preview is cut to this many characters (the screen cuts it to its width).
pub const FIELD_MAX_CHARS: usize = 300;

/// A link longer than this is never asked about (nothing real is that long).
pub const URL_MAX_BYTES: usize = 2_048;

/// At most this many messages' links are remembered (a working set; cleared past it).
const TARGETS_MAX: usize = 4_000;

/// What is shown under a message with one link: each part one cleaned line, possibly empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct LinkPreview {
    pub site: String,
    pub title: String,
    /// The description's first line.
    pub description: String,
}

impl LinkPreview {
    /// The preview of an answer: its site name, title and the first line of its
    /// description, each sanitized and cut; `None` when there is nothing to show (the server
    /// could not fetch the page).
    pub fn of_answer(og: &OpenGraph) -> Option<LinkPreview> {
        let field = |text: &Option<String>| {
            let text = text.as_deref().unwrap_or("");
            // Cut before cleaning, so a 1 MB title costs what a short one does.
            let head = text
                .char_indices()
                .nth(FIELD_MAX_CHARS * 8)
                .map_or(text, |(i, _)| &text[..i]);
            let cleaned = crate::sanitize::clean(head);
            let first = cleaned
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("");
            crate::sanitize::one_line(first, FIELD_MAX_CHARS)
        };
        let preview = LinkPreview {
            site: field(&og.site_name),
            title: field(&og.title),
            description: field(&og.description),
        };
        (!preview.is_empty()).then_some(preview)
    }

    pub fn is_empty(&self) -> bool {
        self.site.is_empty() && self.title.is_empty() && self.description.is_empty()
    }
}

/// The link previews of one account.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkPreviews {
    /// Each link answered: its preview, or `None` for an answer with nothing to show.
    known: HashMap<String, Option<LinkPreview>>,
    /// The links of `known`, oldest answered first (the first to go past the bound).
    order: VecDeque<String>,
    /// Links asked about, not answered yet.
    in_flight: HashSet<String>,
    /// Links whose request failed on this connection: not asked again until the next.
    failed: HashSet<String>,
    /// Each message's one link (`None`: none, or several), by mid, with the revision it was
    /// found in.
    targets: HashMap<i64, (u32, Option<String>)>,
}

impl LinkPreviews {
    /// Keeps `url`'s answer (the oldest past [`PREVIEWS_MAX`] goes).
    pub fn insert(&mut self, url: String, preview: Option<LinkPreview>) {
        self.in_flight.remove(&url);
        if self.known.insert(url.clone(), preview).is_none() {
            self.order.push_back(url);
        }
        while self.order.len() > PREVIEWS_MAX {
            if let Some(old) = self.order.pop_front() {
                self.known.remove(&old);
            }
        }
    }

    /// `url`'s answer, if it was answered: `Some(None)` when there was nothing to show.
    pub fn get(&self, url: &str) -> Option<&Option<LinkPreview>> {
        self.known.get(url)
    }

    /// How many links' answers are kept.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// The message's one link as last found (for revision `rev`), if it was looked for.
    pub fn target(&self, mid: i64, rev: u32) -> Option<Option<&str>> {
        self.targets
            .get(&mid)
            .filter(|(r, _)| *r == rev)
            .map(|(_, url)| url.as_deref())
    }

    /// Remembers message `mid`'s one link (at revision `rev`).
    pub fn set_target(&mut self, mid: i64, rev: u32, url: Option<String>) {
        if self.targets.len() >= TARGETS_MAX && !self.targets.contains_key(&mid) {
            self.targets.clear();
        }
        self.targets.insert(mid, (rev, url));
    }

    /// The preview shown under message `mid` at revision `rev`.
    pub fn of_message(&self, mid: i64, rev: u32) -> Option<&LinkPreview> {
        let url = self.target(mid, rev)??;
        self.known.get(url)?.as_ref()
    }

    /// Whether `url` may be asked about now: not answered, not on its way, not failed on
    /// this connection, not absurdly long, and fewer than [`IN_FLIGHT_MAX`] on their way.
    pub fn may_ask(&self, url: &str) -> bool {
        self.in_flight.len() < IN_FLIGHT_MAX
            && url.len() <= URL_MAX_BYTES
            && !self.known.contains_key(url)
            && !self.in_flight.contains(url)
            && !self.failed.contains(url)
    }

    /// `url` is being asked about.
    pub fn asking(&mut self, url: String) {
        self.in_flight.insert(url);
    }

    /// The request for `url` failed: not asked again on this connection.
    pub fn failed(&mut self, url: String) {
        self.in_flight.remove(&url);
        if self.failed.len() >= PREVIEWS_MAX {
            self.failed.clear();
        }
        self.failed.insert(url);
    }

    /// A new connection: the links that failed may be asked about again.
    pub fn forget_failures(&mut self) {
        self.failed.clear();
    }

    /// How many requests are on their way.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn og(site: &str, title: &str, description: &str) -> OpenGraph {
        OpenGraph {
            site_name: Some(site.into()),
            title: Some(title.into()),
            description: Some(description.into()),
            ..OpenGraph::default()
        }
    }

    #[test]
    fn an_empty_answer_shows_nothing() {
        assert_eq!(LinkPreview::of_answer(&OpenGraph::unreachable()), None);
        assert_eq!(LinkPreview::of_answer(&og(" ", "\n", "\u{1b}[2J")), None);
    }

    #[test]
    fn a_hostile_answer_is_cleaned_and_cut() {
        let huge = "A".repeat(1 << 20);
        let p = LinkPreview::of_answer(&og(
            "evil\u{1b}]52;c;aGk=\u{7}site",
            &huge,
            "\n\nfirst \u{1b}[31mred\u{1b}[0m line\r\nsecond line",
        ))
        .unwrap();
        assert_eq!(p.site, "evilsite");
        assert_eq!(p.title.chars().count(), FIELD_MAX_CHARS);
        assert!(p.title.ends_with('…'));
        assert_eq!(p.description, "first red line");
    }

    #[test]
    fn the_cache_is_bounded_and_asks_are_limited() {
        let mut p = LinkPreviews::default();
        for i in 0..PREVIEWS_MAX + 5 {
            p.insert(format!("https://x.example/{i}"), None);
        }
        assert_eq!(p.len(), PREVIEWS_MAX);
        assert!(p.get("https://x.example/0").is_none(), "the oldest went");
        assert!(p.get("https://x.example/5").is_some());
        assert!(!p.may_ask("https://x.example/5"), "answered: never again");
        for i in 0..IN_FLIGHT_MAX {
            assert!(p.may_ask(&format!("https://y.example/{i}")));
            p.asking(format!("https://y.example/{i}"));
        }
        assert!(!p.may_ask("https://z.example/"), "at most a few at once");
        p.failed("https://y.example/0".into());
        assert!(p.may_ask("https://z.example/"));
        assert!(
            !p.may_ask("https://y.example/0"),
            "a failure is not asked again"
        );
        p.forget_failures();
        assert!(p.may_ask("https://y.example/0"));
        assert!(!p.may_ask(&format!("https://x.example/{}", "a".repeat(URL_MAX_BYTES))));
    }
}
