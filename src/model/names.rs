//! Finding people and channels by name, the one rule every lookup uses (search filters,
//! saved messages, the command line's `#channel`/`@person`): exactly, else ignoring case.

/// The ids of the `(name, id)` pairs called `name`: exactly, else ignoring case.
pub fn named<'a>(items: impl Iterator<Item = (&'a str, i64)> + Clone, name: &str) -> Vec<i64> {
    let exact: Vec<i64> = items
        .clone()
        .filter(|(n, _)| *n == name)
        .map(|(_, id)| id)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let lower = name.to_lowercase();
    items
        .filter(|(n, _)| n.to_lowercase() == lower)
        .map(|(_, id)| id)
        .collect()
}
