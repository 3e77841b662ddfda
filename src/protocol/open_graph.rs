//! `GET /api/resource/open_graphic_parse?url=<url>` (protocol doc, the resource table): the
//! server fetches the page and answers with its Open Graph tags. No token. A page it cannot
//! fetch gives an all-empty object (`title`, `type` and `url` empty strings, the rest null or
//! empty lists), not an error; an empty `url` is a 400. Every field is optional here: a
//! server's or a hostile page's odd shape decodes to what it has, and the client shows only
//! the site name, the title and the description, cleaned and cut (`model::LinkPreview`).

use serde::{Deserialize, Serialize};

/// The endpoint's path (the query is `url=<the link>`).
pub const OPEN_GRAPH_PATH: &str = "/api/resource/open_graphic_parse";

/// The most of an answer the client reads: a page's tags are a few hundred bytes; a larger
/// answer is refused while streaming.
pub const OPEN_GRAPH_MAX_BYTES: usize = 2 << 20;

/// An image, audio or video of the page (only kept for the shape: nothing is fetched).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpenGraphMedia {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub secure_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
}

/// The answer of `open_graphic_parse`, as 0.3.3 sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpenGraph {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub images: Vec<OpenGraphMedia>,
    #[serde(default)]
    pub audios: Vec<OpenGraphMedia>,
    #[serde(default)]
    pub videos: Vec<OpenGraphMedia>,
    #[serde(default)]
    pub favicon_url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub locale_alternate: Option<Vec<String>>,
    #[serde(default)]
    pub site_name: Option<String>,
}

impl OpenGraph {
    /// What the server answers for a page it could not fetch (fixture 135).
    pub fn unreachable() -> OpenGraph {
        OpenGraph {
            kind: Some(String::new()),
            title: Some(String::new()),
            url: Some(String::new()),
            ..OpenGraph::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The body of fixture 134 (a page with og: tags, recorded from 0.3.3).
    fn recorded_page() -> serde_json::Value {
        json!({
          "audios": [],
          "description": "A page used to record open_graphic_parse.",
          "favicon_url": "http://<og-page-host>/favicon.ico",
          "images": [{"alt": null, "height": 32, "secure_url": null, "type": null,
                      "url": "http://og.invalid/pic.png", "width": 64}],
          "locale": "en_US",
          "locale_alternate": null,
          "site_name": "fixture-site",
          "title": "Fixture OG title",
          "type": "website",
          "url": "http://og.invalid/page",
          "videos": []
        })
    }

    /// The body of fixture 135 (an unreachable URL: 200 with an empty object).
    fn recorded_unreachable() -> serde_json::Value {
        json!({
          "audios": [], "description": null, "favicon_url": null, "images": [],
          "locale": null, "locale_alternate": null, "site_name": null,
          "title": "", "type": "", "url": "", "videos": []
        })
    }

    #[test]
    fn the_recorded_answers_decode() {
        let page: OpenGraph = serde_json::from_value(recorded_page()).unwrap();
        assert_eq!(page.site_name.as_deref(), Some("fixture-site"));
        assert_eq!(page.title.as_deref(), Some("Fixture OG title"));
        assert_eq!(
            page.description.as_deref(),
            Some("A page used to record open_graphic_parse.")
        );
        assert_eq!(page.images[0].width, Some(64));
        let empty: OpenGraph = serde_json::from_value(recorded_unreachable()).unwrap();
        assert_eq!(empty, OpenGraph::unreachable());
        // The demo's empty answer has the recorded keys and values.
        assert_eq!(
            serde_json::to_value(OpenGraph::unreachable()).unwrap(),
            recorded_unreachable()
        );
    }

    #[test]
    fn odd_shapes_decode_to_what_they_have() {
        let sparse: OpenGraph = serde_json::from_value(json!({"title": "t"})).unwrap();
        assert_eq!(sparse.title.as_deref(), Some("t"));
        assert!(sparse.images.is_empty());
        // Unknown keys of a newer server are ignored.
        let newer: OpenGraph =
            serde_json::from_value(json!({"title": "t", "icons": [1, 2], "extra": {}})).unwrap();
        assert_eq!(newer.title.as_deref(), Some("t"));
    }
}
