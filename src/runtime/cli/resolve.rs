//! `#channel` and `@person` to a conversation: a name matches ignoring case
//! (`model::named`), so two that differ only by case are ambiguous, an error that lists
//! them with their ids, and so is none; `#gid:3` and `@uid:5` name an id, for scripts that
//! must reach the same conversation whatever anyone renames.

use crate::protocol::types::{Group, Target, UserInfo};

/// The conversation `spec` names, or why not.
pub fn conversation(spec: &str, groups: &[Group], users: &[UserInfo]) -> Result<Target, String> {
    if let Some(name) = spec.strip_prefix('#') {
        let all: Vec<(i64, &str)> = groups.iter().map(|g| (g.gid, g.name.as_str())).collect();
        return pick(name, ('#', "gid"), "channel", &all).map(|gid| Target::Group { gid });
    }
    if let Some(name) = spec.strip_prefix('@') {
        let all: Vec<(i64, &str)> = users.iter().map(|u| (u.uid, u.name.as_str())).collect();
        return pick(name, ('@', "uid"), "user", &all).map(|uid| Target::User { uid });
    }
    Err(format!("{}: say #channel or @person", one_line(spec)))
}

/// A name as it is written back in an error: one line, no controls.
fn one_line(name: &str) -> String {
    crate::sanitize::one_line(name, 80)
}

fn pick(
    name: &str,
    (sigil, tag): (char, &str),
    what: &str,
    all: &[(i64, &str)],
) -> Result<i64, String> {
    if name.is_empty() {
        return Err(format!("{sigil}: a {what} name is missing"));
    }
    let ids = crate::model::named(all.iter().map(|(id, n)| (*n, *id)), name, tag);
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(format!("no {what} named {sigil}{}", one_line(name))),
        many => Err(format!(
            "{sigil}{} is ambiguous: {}; name one as {sigil}{tag}:N",
            one_line(name),
            many.iter()
                .filter_map(|id| all.iter().find(|(i, _)| i == id))
                .map(|(id, n)| format!("{sigil}{} ({sigil}{tag}:{id})", one_line(n)))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups() -> Vec<Group> {
        serde_json::from_value(serde_json::json!([
            {"gid": 1, "name": "general"}, {"gid": 2, "name": "Dev"}, {"gid": 3, "name": "dev"},
            {"gid": 4, "name": "Ops"}, {"gid": 5, "name": "OPS"}
        ]))
        .unwrap()
    }

    fn users() -> Vec<UserInfo> {
        serde_json::from_value(serde_json::json!([{"uid": 7, "name": "Alice"}])).unwrap()
    }

    #[test]
    fn names_match_ignoring_case_and_ids_are_stable() {
        assert_eq!(
            conversation("#GENERAL", &groups(), &[]),
            Ok(Target::Group { gid: 1 })
        );
        assert_eq!(
            conversation("@alice", &[], &users()),
            Ok(Target::User { uid: 7 })
        );
        assert_eq!(
            conversation("#gid:3", &groups(), &[]),
            Ok(Target::Group { gid: 3 })
        );
        assert_eq!(
            conversation("@uid:7", &[], &users()),
            Ok(Target::User { uid: 7 })
        );
        assert_eq!(
            conversation("@uid:8", &[], &users()).unwrap_err(),
            "no user named @uid:8"
        );
    }

    #[test]
    fn a_name_differing_only_by_case_takes_nothing_over() {
        // The real Alice (7), and a member who renamed to `alice` (9).
        let users: Vec<UserInfo> = serde_json::from_value(serde_json::json!([
            {"uid": 7, "name": "Alice"}, {"uid": 9, "name": "alice"}
        ]))
        .unwrap();
        for asked in ["@alice", "@Alice"] {
            assert_eq!(
                conversation(asked, &[], &users).unwrap_err(),
                format!(
                    "{asked} is ambiguous: @Alice (@uid:7), @alice (@uid:9); name one as @uid:N"
                )
            );
        }
        assert_eq!(
            conversation("#dev", &groups(), &[]).unwrap_err(),
            "#dev is ambiguous: #Dev (#gid:2), #dev (#gid:3); name one as #gid:N"
        );
    }

    #[test]
    fn ambiguity_lists_the_candidates_and_unknown_names_are_named() {
        let err = conversation("#ops", &groups(), &[]).unwrap_err();
        assert_eq!(
            err,
            "#ops is ambiguous: #Ops (#gid:4), #OPS (#gid:5); name one as #gid:N"
        );
        assert_eq!(
            conversation("#nope\x1b[2J", &groups(), &[]).unwrap_err(),
            "no channel named #nope"
        );
        assert!(
            conversation("general", &groups(), &[])
                .unwrap_err()
                .contains("#channel or @person")
        );
        assert!(
            conversation("@", &[], &users())
                .unwrap_err()
                .contains("missing")
        );
    }
}
