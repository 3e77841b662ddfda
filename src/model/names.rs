//! Finding people and channels by name, the one rule every lookup uses (search filters,
//! saved messages, `/invite` and `/create`, the command line's `#channel`/`@person`): a name
//! matches ignoring case, and every match counts, so two names that differ only by case are
//! ambiguous and a member who renames to `alice` beside `Alice` takes nothing over. For
//! scripts, `uid:5` and `gid:3` name an id, which no rename changes.

/// The ids of the `(name, id)` pairs that `name` names: with `name` `{tag}:N` (`uid:5`,
/// `gid:3`) the one whose id is N, else every one called `name` ignoring case. More than one
/// is ambiguous: the caller lists them rather than picking one.
pub fn named<'a>(items: impl Iterator<Item = (&'a str, i64)>, name: &str, tag: &str) -> Vec<i64> {
    if let Some(id) = name
        .strip_prefix(tag)
        .and_then(|rest| rest.strip_prefix(':'))
        .and_then(|n| n.parse::<i64>().ok())
    {
        return items
            .filter(|(_, i)| *i == id)
            .map(|(_, i)| i)
            .take(1)
            .collect();
    }
    let lower = name.to_lowercase();
    items
        .filter(|(n, _)| n.to_lowercase() == lower)
        .map(|(_, id)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::named;

    const USERS: [(&str, i64); 4] = [("Alice", 5), ("alice", 9), ("bob", 2), ("uid:2", 7)];

    #[test]
    fn names_differing_only_by_case_are_ambiguous_however_they_are_written() {
        for asked in ["alice", "Alice", "ALICE"] {
            assert_eq!(
                named(USERS.into_iter(), asked, "uid"),
                vec![5, 9],
                "{asked}"
            );
        }
        assert_eq!(named(USERS.into_iter(), "BOB", "uid"), vec![2]);
        assert!(named(USERS.into_iter(), "carol", "uid").is_empty());
    }

    #[test]
    fn an_id_is_named_by_its_stable_form() {
        assert_eq!(named(USERS.into_iter(), "uid:5", "uid"), vec![5]);
        assert_eq!(named(USERS.into_iter(), "uid:9", "uid"), vec![9]);
        // The stable form is an id, whatever someone is called.
        assert_eq!(named(USERS.into_iter(), "uid:2", "uid"), vec![2]);
        assert!(named(USERS.into_iter(), "uid:3", "uid").is_empty());
        // Another tag, or no number, is a name.
        assert!(named(USERS.into_iter(), "gid:5", "uid").is_empty());
        assert!(named(USERS.into_iter(), "uid:", "uid").is_empty());
    }
}
