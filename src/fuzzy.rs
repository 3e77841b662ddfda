//! Fuzzy ranking for the switcher and completions (nucleo's matcher, smart case).

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Indexes of `items` that match `query`, best first (all of them, in order, for an empty
/// query).
pub fn rank<'a>(query: &str, items: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let items: Vec<&str> = items.collect();
    if query.trim().is_empty() {
        return (0..items.len()).collect();
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            pattern
                .score(Utf32Str::new(item, &mut buf), &mut matcher)
                .map(|s| (s, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_best_matches_first() {
        let items = ["general", "random", "rust", "design"];
        let r = rank("rs", items.iter().copied());
        assert_eq!(items[r[0]], "rust");
        assert!(!r.contains(&0));
        assert_eq!(rank("", items.iter().copied()), vec![0, 1, 2, 3]);
        assert!(rank("zzz", items.iter().copied()).is_empty());
    }
}
