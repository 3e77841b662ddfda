//! `@uid` mentions in message text: the one parser of the syntax. The composer turns a
//! completed `@Name` into `@<uid>`; readers turn it back. A mention starts the text or follows
//! whitespace, and its digits end at the end of the text or at a character that is neither a
//! letter nor a digit (so `a@2`, `@23` for uid 2 and `@2abc` are not mentions of 2).

/// One `@<uid>` token: its byte range in the text and the uid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub uid: i64,
}

/// Every mention token in `text`, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = Mention> + '_ {
    text.match_indices('@').filter_map(move |(i, _)| {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| !c.is_whitespace()) {
            return None;
        }
        let rest = &text[i + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = rest[digits..].chars().next();
        if digits == 0 || after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let uid = rest[..digits].parse().ok()?;
        Some(Mention {
            start: i,
            end: i + 1 + digits,
            uid,
        })
    })
}

/// The uids mentioned in `text`, each once, in order of first mention. Linear in the text:
/// a message of 300,000 distinct mentions is a few milliseconds, not seconds.
pub fn uids(text: &str) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    tokens(text)
        .map(|m| m.uid)
        .filter(|uid| seen.insert(*uid))
        .collect()
}

/// Whether `text` mentions `uid` (stops at the first such mention).
pub fn mentions(text: &str, uid: i64) -> bool {
    tokens(text).any(|m| m.uid == uid)
}

/// `text` with every mention whose uid `name_of` knows shown as `@Name`; unknown uids stay.
pub fn render(text: &str, name_of: impl Fn(i64) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in tokens(text) {
        if let Some(name) = name_of(m.uid) {
            out.push_str(&text[at..m.start]);
            out.push('@');
            out.push_str(&name);
            at = m.end;
        }
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(uid: i64) -> Option<String> {
        (uid == 2).then(|| "bob".to_string())
    }

    #[test]
    fn a_mention_starts_the_text_or_follows_whitespace() {
        assert_eq!(uids("@2 hi"), vec![2]);
        assert_eq!(uids("hi\n@2"), vec![2]);
        assert_eq!(uids("mail a@2"), Vec::<i64>::new());
    }

    #[test]
    fn a_mention_ends_where_its_digits_end() {
        assert_eq!(uids("hi @23 "), vec![23]);
        assert_eq!(uids("hi @2, and @2."), vec![2]);
        assert_eq!(uids("@2abc @2_x @"), Vec::<i64>::new());
        assert_eq!(uids("@99999999999999999999"), Vec::<i64>::new());
    }

    #[test]
    fn uids_keep_the_order_of_first_mention_and_drop_repeats() {
        assert_eq!(uids("@3 @1 @3 hi @2 @1 @7"), vec![3, 1, 2, 7]);
        assert!(mentions("@3 @1 @3", 1));
        assert!(!mentions("@3 @13 a@1", 1));
        // A mention bomb: every uid once, in order; repeats after it add nothing.
        let bomb: String = (1..=50_000)
            .chain(1..=50_000)
            .map(|u| format!("@{u} "))
            .collect();
        let found = uids(&bomb);
        assert_eq!(found.len(), 50_000);
        assert!(found.iter().copied().eq(1..=50_000));
        assert!(mentions(&bomb, 50_000) && !mentions(&bomb, 50_001));
    }

    #[test]
    fn rendering_and_parsing_agree() {
        for text in ["a@2", "@2", "x @2, y", "@23", "@2abc", "(@2)", "@2@2"] {
            let rendered = render(text, name);
            assert_eq!(
                rendered.contains("@bob"),
                uids(text).contains(&2),
                "{text:?} rendered as {rendered:?}"
            );
        }
        assert_eq!(render("hi @2, @7", name), "hi @bob, @7");
    }
}
