//! A string that must never be printed: passwords in flight. Its `Debug` says how long it is
//! and nothing else, so logging a message or an effect that carries one cannot leak it.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

/// A secret string (a typed password on its way to the login request).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_string())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<redacted, {} chars>", self.0.chars().count())
    }
}

/// Writes `<redacted>` for a secret field in a hand-written `Debug`.
pub const REDACTED: &str = "<redacted>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted, 7 chars>");
        assert_eq!(s.expose(), "hunter2");
    }
}
