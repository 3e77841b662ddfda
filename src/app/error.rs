//! Why something failed, as `update` sees it: the server's or the network's answer, typed so
//! that `update` can react to it (a 401 asks you to log in again, a 413 says what is too
//! large), or a local problem (a file, the editor, a command) already described for the user.

use crate::protocol::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}")]
    Local(String),
}

impl Failure {
    pub fn local(text: impl Into<String>) -> Failure {
        Failure::Local(text.into())
    }

    /// The session is gone (renewal already failed): only a new login helps.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Failure::Api(ApiError::Unauthorized))
    }

    /// Network trouble or a 5xx: the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(self, Failure::Api(e) if e.is_transient())
    }

    /// The server has no such endpoint (404, 405, or 400 where a newer route collides with a
    /// 0.3.3 path parameter): the feature is not there.
    pub fn is_unsupported(&self) -> bool {
        matches!(
            self,
            Failure::Api(
                ApiError::NotFound(_)
                    | ApiError::BadRequest(_)
                    | ApiError::Server { status: 405, .. }
            )
        )
    }

    /// The server refused the size (HTTP 413).
    pub fn is_too_large(&self) -> bool {
        matches!(self, Failure::Api(ApiError::TooLarge))
    }
}

/// A result whose error `update` can tell apart.
pub type Outcome<T> = Result<T, Failure>;

impl From<String> for Failure {
    fn from(text: String) -> Failure {
        Failure::Local(text)
    }
}

impl From<&str> for Failure {
    fn from(text: &str) -> Failure {
        Failure::Local(text.to_string())
    }
}
