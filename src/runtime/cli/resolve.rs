//! `#channel` and `@person` to a conversation: names matched exactly, then ignoring case;
//! more than one match is an error that lists them, and so is none.

use crate::protocol::types::{Group, Target, UserInfo};
use crate::sanitize::clean;

/// The conversation `spec` names, or why not.
pub fn conversation(spec: &str, groups: &[Group], users: &[UserInfo]) -> Result<Target, String> {
    if let Some(name) = spec.strip_prefix('#') {
        let all: Vec<(i64, &str)> = groups.iter().map(|g| (g.gid, g.name.as_str())).collect();
        return pick(name, '#', "channel", &all).map(|gid| Target::Group { gid });
    }
    if let Some(name) = spec.strip_prefix('@') {
        let all: Vec<(i64, &str)> = users.iter().map(|u| (u.uid, u.name.as_str())).collect();
        return pick(name, '@', "user", &all).map(|uid| Target::User { uid });
    }
    Err(format!("{}: say #channel or @person", clean(spec)))
}

fn pick(name: &str, sigil: char, what: &str, all: &[(i64, &str)]) -> Result<i64, String> {
    if name.is_empty() {
        return Err(format!("{sigil}: a {what} name is missing"));
    }
    let ids = crate::model::named(all.iter().map(|(id, n)| (*n, *id)), name);
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(format!("no {what} named {sigil}{}", clean(name))),
        many => Err(format!(
            "{sigil}{} is ambiguous: {}",
            clean(name),
            many.iter()
                .filter_map(|id| all.iter().find(|(i, _)| i == id))
                .map(|(id, n)| format!("{sigil}{} ({what} {id})", clean(n)))
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
    fn exact_names_win_then_any_case() {
        assert_eq!(
            conversation("#dev", &groups(), &[]),
            Ok(Target::Group { gid: 3 })
        );
        assert_eq!(
            conversation("#Dev", &groups(), &[]),
            Ok(Target::Group { gid: 2 })
        );
        assert_eq!(
            conversation("#GENERAL", &groups(), &[]),
            Ok(Target::Group { gid: 1 })
        );
        assert_eq!(
            conversation("@alice", &[], &users()),
            Ok(Target::User { uid: 7 })
        );
    }

    #[test]
    fn ambiguity_lists_the_candidates_and_unknown_names_are_named() {
        let err = conversation("#ops", &groups(), &[]).unwrap_err();
        assert_eq!(err, "#ops is ambiguous: #Ops (channel 4), #OPS (channel 5)");
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
