//! File calls: the two upload steps (prepare, then chunks as multipart) and the download
//! and avatar URLs (which need no auth).

use super::{ApiClient, ApiResult, read_json};
use crate::protocol::requests::FilePrepareRequest;
use crate::protocol::types::UploadedFile;
use reqwest::Method;
use url::Url;

impl ApiClient {
    /// Step 1 of an upload: returns the file id.
    pub async fn file_prepare(
        &self,
        content_type: Option<&str>,
        filename: Option<&str>,
    ) -> ApiResult<String> {
        let body = FilePrepareRequest {
            content_type: content_type.map(str::to_string),
            filename: filename.map(str::to_string),
        };
        let resp = self
            .authed(
                Method::POST,
                "/api/resource/file/prepare",
                "file upload",
                |r| r.json(&body),
            )
            .await?;
        read_json(resp).await
    }

    /// Step 2 of an upload: appends one chunk. Returns the stored file after the last chunk.
    pub async fn file_upload_chunk(
        &self,
        file_id: &str,
        chunk: bytes::Bytes,
        is_last: bool,
    ) -> ApiResult<Option<UploadedFile>> {
        let file_id = file_id.to_string();
        let resp = self
            .authed(
                Method::POST,
                "/api/resource/file/upload",
                "file upload",
                move |r| {
                    let blob = || reqwest::multipart::Part::stream(chunk.clone()).file_name("blob");
                    // A constant type that always parses; without it the server defaults to
                    // the same.
                    let part = blob()
                        .mime_str("application/octet-stream")
                        .unwrap_or_else(|_| blob());
                    let form = reqwest::multipart::Form::new()
                        .text("file_id", file_id.clone())
                        .part("chunk_data", part)
                        .text("chunk_is_last", if is_last { "true" } else { "false" });
                    r.multipart(form)
                },
            )
            .await?;
        read_json(resp).await
    }

    /// Avatar URL of a user (no auth needed).
    pub fn avatar_url(&self, uid: i64) -> Url {
        let mut url = self.url("/api/resource/avatar");
        url.query_pairs_mut().append_pair("uid", &uid.to_string());
        url
    }

    /// Download URL of an uploaded file (downloads need no auth).
    pub fn file_url(&self, path: &str, thumbnail: bool) -> Url {
        let mut url = self.url("/api/resource/file");
        url.query_pairs_mut().append_pair("file_path", path);
        if thumbnail {
            url.query_pairs_mut().append_pair("thumbnail", "true");
        }
        url
    }
}
