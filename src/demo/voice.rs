//! The test side of voice messages: one posted as the official app would send it (a file
//! stored on the server, then a `vocechat/audio` message holding its bare path).

use super::DemoServer;
use crate::protocol::types::{ContentKind, Target};

impl DemoServer {
    /// A voice message from `from` with these bytes and `properties` (its name, size,
    /// duration… as a sender gives them); returns its mid.
    pub fn post_voice_as(
        &self,
        from: i64,
        target: Target,
        data: &[u8],
        properties: serde_json::Value,
    ) -> Result<i64, String> {
        self.with_state(|s| {
            let path = format!("voice/{}", s.files.len() + 1);
            s.files.insert(
                path.clone(),
                super::state::StoredFile {
                    content_type: "audio/ogg".into(),
                    filename: None,
                    data: data.to_vec(),
                },
            );
            s.send(
                from,
                target,
                ContentKind::Audio.content_type(),
                path,
                Some(properties),
            )
        })
        .map_err(|r| format!("{r:?}"))
    }
}
