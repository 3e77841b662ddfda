//! Link previews kept with the store (`ui.link_previews`): each link's answer, so a restart
//! shows them without asking the server again. The newest
//! [`PREVIEWS_MAX`](crate::model::PREVIEWS_MAX) links stay; an older one goes when a new one
//! is kept.

use super::{Store, StoreResult};
use crate::model::{LinkPreview, LinkPreviews, PREVIEWS_MAX};
use rusqlite::params;

impl Store {
    /// Keeps `url`'s preview (`None`: the answer had nothing to show) as the newest.
    pub fn save_link_preview(
        &mut self,
        url: &str,
        preview: Option<&LinkPreview>,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(&preview)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO link_previews (url, json, seq)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM link_previews))",
            params![url, json],
        )?;
        tx.execute(
            "DELETE FROM link_previews WHERE seq <=
               (SELECT seq FROM link_previews ORDER BY seq DESC LIMIT 1 OFFSET ?1)",
            params![PREVIEWS_MAX as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The previews kept, oldest first; a row this version cannot read is skipped.
    pub(super) fn link_previews(&self) -> StoreResult<LinkPreviews> {
        let mut previews = LinkPreviews::default();
        let mut stmt = self
            .conn
            .prepare("SELECT url, json FROM link_previews ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (url, json) = row?;
            if let Ok(preview) = serde_json::from_str::<Option<LinkPreview>>(&json) {
                previews.insert(url, preview);
            }
        }
        Ok(previews)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preview(title: &str) -> LinkPreview {
        LinkPreview {
            site: "Example".into(),
            title: title.into(),
            description: "the first line".into(),
        }
    }

    #[test]
    fn previews_are_kept_over_a_reopen_empty_ones_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let mut store = Store::open(&path, 1).unwrap();
            store
                .save_link_preview("https://a.example/", Some(&preview("A")))
                .unwrap();
            store.save_link_preview("https://b.example/", None).unwrap();
        }
        let store = Store::open(&path, 1).unwrap();
        let loaded = store.load().unwrap().chat.link_previews;
        assert_eq!(loaded.get("https://a.example/"), Some(&Some(preview("A"))));
        assert_eq!(loaded.get("https://b.example/"), Some(&None));
        assert_eq!(loaded.len(), 2);
    }

    #[test]
    fn the_store_keeps_the_newest_links_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let mut store = Store::open(&path, 1).unwrap();
            for i in 0..PREVIEWS_MAX + 10 {
                store
                    .save_link_preview(&format!("https://x.example/{i}"), None)
                    .unwrap();
            }
            // Kept again: it is the newest now, so it outlives the ones after it.
            store
                .save_link_preview("https://x.example/15", Some(&preview("again")))
                .unwrap();
            store.save_link_preview("https://y.example/", None).unwrap();
        }
        let store = Store::open(&path, 1).unwrap();
        let rows: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM link_previews", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, PREVIEWS_MAX as i64);
        let loaded = store.load().unwrap().chat.link_previews;
        assert_eq!(loaded.len(), PREVIEWS_MAX);
        assert!(loaded.get("https://x.example/0").is_none());
        assert!(loaded.get("https://x.example/10").is_none());
        assert!(loaded.get("https://x.example/11").is_some());
        assert_eq!(
            loaded.get("https://x.example/15"),
            Some(&Some(preview("again")))
        );
        assert!(loaded.get("https://y.example/").is_some());
    }
}
