//! Emoji by name, for the composer's Tab completion (`:thu` + Tab → 👍): the shortcodes of
//! GitHub and Slack (`:thumbsup:`, `:+1:`, `:tada:`) from the `emojis` crate's Unicode data,
//! not a table of our own.

/// At most this many emoji are offered for one prefix.
pub const OFFERED: usize = 20;

/// The emoji whose shortcode starts with `prefix` (case ignored), the shortest shortcodes
/// first (`:thu` offers 👍 before 👎), then those whose shortcode contains it further in
/// (`:cat` also offers 🐈 `:black_cat:`); each emoji once, at most [`OFFERED`].
pub fn by_name(prefix: &str) -> Vec<&'static str> {
    let prefix = prefix.to_lowercase();
    if prefix.is_empty() {
        return vec![];
    }
    let mut starts: Vec<(usize, &str, &'static str)> = Vec::new();
    let mut inside: Vec<(usize, &str, &'static str)> = Vec::new();
    for emoji in emojis::iter() {
        let mut best: Option<(bool, usize, &str)> = None;
        for code in emoji.shortcodes() {
            let found = if code.starts_with(&prefix) {
                Some(true)
            } else if code.contains(&prefix) {
                Some(false)
            } else {
                None
            };
            // The emoji's best name: one that starts with the prefix, then the shortest.
            if let Some(start) = found
                && best.is_none_or(|(s, len, _)| (!start, code.len()) < (!s, len))
            {
                best = Some((start, code.len(), code));
            }
        }
        match best {
            Some((true, len, code)) => starts.push((len, code, emoji.as_str())),
            Some((false, len, code)) => inside.push((len, code, emoji.as_str())),
            None => {}
        }
    }
    starts.sort();
    inside.sort();
    starts
        .into_iter()
        .chain(inside)
        .map(|(_, _, emoji)| emoji)
        .take(OFFERED)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_offers_the_shortest_names_first() {
        let thu = by_name("thu");
        assert_eq!(thu.first(), Some(&"👍"), "{thu:?}");
        assert!(thu.contains(&"👎"), "{thu:?}");
        assert_eq!(by_name("TADA").first(), Some(&"🎉"));
        // A name inside a longer one comes after those that start with it.
        let cat = by_name("cat");
        assert_eq!(cat.first(), Some(&"🐱"), "{cat:?}");
        assert!(cat.contains(&"🐈\u{200d}⬛"), "{cat:?}");
        assert!(cat.len() <= OFFERED);
        assert!(by_name("").is_empty());
        assert!(by_name("no such emoji name").is_empty());
    }
}
