//! Tab completion in the composer: `@name` from the conversation's members, `/command` and
//! `:emoji` by name (`:thu` → 👍; cycling through the candidates on repeated Tabs), and the
//! `/upload` path argument (the runtime lists the candidates; `on_path_completed` puts them
//! in).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This is
//! the composer's completion (its text and `Composer::completion`); the message that brings
//! path candidates (`Msg::PathCompleted`) is handled here.

use super::{App, Effect};

/// The `/upload` argument being typed, if the cursor is on one.
pub(super) fn upload_arg(app: &App) -> Option<String> {
    let ratatui_textarea::DataCursor(row, col) = app.composer.textarea.cursor();
    let line = app.composer.textarea.lines().get(row)?;
    let before: String = line.chars().take(col).collect();
    if row != 0 || !before.starts_with("/upload ") {
        return None;
    }
    Some(before[word_start(&before)..].to_string())
}

/// Where the last word of `s` starts (a byte index): just after its last whitespace, which
/// may be several bytes long (U+3000 from CJK input methods, U+00A0 from pasted web text).
fn word_start(s: &str) -> usize {
    s.char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8())
}

impl App {
    /// Path completions for the `/upload` argument `prefix` came: they complete it as far as
    /// they agree, unless the user typed on meanwhile.
    pub(super) fn on_path_completed(
        &mut self,
        prefix: String,
        candidates: Vec<String>,
    ) -> Vec<Effect> {
        if upload_arg(self).as_deref() != Some(prefix.as_str()) {
            return vec![]; // the user typed on meanwhile
        }
        if candidates.is_empty() {
            self.info("no matching files");
            return vec![];
        }
        // Complete as far as the candidates agree.
        let mut common = candidates[0].clone();
        for c in &candidates[1..] {
            while !c.starts_with(&common) {
                common.pop();
            }
        }
        if common.len() > prefix.len() {
            for _ in 0..prefix.chars().count() {
                self.composer.textarea.delete_char();
            }
            self.composer.textarea.insert_str(&common);
        }
        if candidates.len() > 1 {
            let shown = candidates
                .iter()
                .map(|c| {
                    c.trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or(c)
                        .to_string()
                })
                .collect();
            self.composer.completion = Some((shown, 0));
        } else if !common.ends_with('/') {
            self.composer.textarea.insert_str(" ");
        }
        vec![]
    }
}

/// The emoji name being typed: a word `:` and at least two letters, digits, `_`, `+` or `-`
/// (`:thu`, `:+1`), with no second colon (`12:30` and `:)` are not names).
fn emoji_name(word: &str) -> Option<&str> {
    let name = word.strip_prefix(':')?.trim_end_matches(':');
    let fits = name.chars().count() >= 2
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'));
    fits.then_some(name)
}

/// Tab: completes `@name` from the conversation's members or `/command`, cycling on repeats.
pub(super) fn complete(app: &mut App) {
    if let Some((cands, i)) = app.composer.completion.take() {
        if cands.len() > 1 {
            for _ in 0..cands[i].chars().count() {
                app.composer.textarea.delete_char();
            }
            let next = (i + 1) % cands.len();
            app.composer.textarea.insert_str(&cands[next]);
            app.composer.completion = Some((cands, next));
        }
        return;
    }
    let ratatui_textarea::DataCursor(row, col) = app.composer.textarea.cursor();
    let line = app
        .composer
        .textarea
        .lines()
        .get(row)
        .cloned()
        .unwrap_or_default();
    let before: String = line.chars().take(col).collect();
    let word_start = word_start(&before);
    let word = &before[word_start..];
    let candidates: Vec<String> = if let Some(prefix) = word.strip_prefix('@') {
        let Some(key) = app.timeline.open else { return };
        // `/contact add @…` names people who are no contacts yet.
        let anyone = row == 0 && line.trim_start().starts_with("/contact");
        let names: Vec<(String, i64)> = app
            .chat
            .members(key)
            .into_iter()
            .filter(|uid| Some(*uid) != app.chat.me && (anyone || app.chat.may_reach(*uid)))
            // On one line, as the name is drawn: the composer would drop a CR (or more) of a
            // raw name, and cycling would then delete the user's own text.
            .map(|uid| {
                (
                    crate::sanitize::one_line(&app.chat.user_name(uid), 200),
                    uid,
                )
            })
            .collect();
        // Matched by your remark for them too; what is typed is their name.
        let shown: Vec<String> = names
            .iter()
            .map(|(name, uid)| match app.chat.remarks.get(uid) {
                Some(remark) => format!("{name} {remark}"),
                None => name.clone(),
            })
            .collect();
        let ranked = crate::fuzzy::rank(prefix, shown.iter().map(String::as_str));
        for i in &ranked {
            let (name, uid) = &names[*i];
            app.composer.mentions.insert(name.clone(), *uid);
        }
        ranked
            .into_iter()
            .map(|i| format!("@{} ", names[i].0))
            .collect()
    } else if let Some(name) = emoji_name(word) {
        crate::text::emoji::by_name(name)
            .into_iter()
            .map(str::to_string)
            .collect()
    } else if row == 0 && word_start == 0 && word.starts_with('/') {
        let names: Vec<&str> = super::COMMANDS.iter().map(|c| c.name).collect();
        // `word` starts with the one-byte '/'.
        crate::fuzzy::rank(&word[1..], names.iter().copied())
            .into_iter()
            .map(|i| format!("/{} ", names[i]))
            .collect()
    } else {
        return;
    };
    let Some(first) = candidates.first() else {
        app.info("no completion");
        return;
    };
    for _ in 0..word.chars().count() {
        app.composer.textarea.delete_char();
    }
    app.composer.textarea.insert_str(first);
    app.composer.completion = Some((candidates, 0));
}

#[cfg(test)]
mod tests {
    use super::super::tests::{key, synced, typed};
    use crate::app::update;
    use crossterm::event::KeyCode;

    #[test]
    fn an_emoji_name_completes_to_the_emoji_and_cycles() {
        let mut app = synced();
        typed(&mut app, "nice :thu");
        update(&mut app, key(KeyCode::Tab));
        assert_eq!(app.composer.text(), "nice 👍");
        // Tab again: the next one offered, in the name's place.
        update(&mut app, key(KeyCode::Tab));
        let next = app.composer.text();
        assert!(next.starts_with("nice ") && next != "nice 👍", "{next}");
        assert_eq!(next.chars().filter(|c| *c == ':').count(), 0, "{next}");
    }

    #[test]
    fn a_colon_that_starts_no_name_completes_nothing() {
        for text in ["at 12:30", "hi :)", "x :t"] {
            let mut app = synced();
            typed(&mut app, text);
            update(&mut app, key(KeyCode::Tab));
            assert_eq!(app.composer.text(), text);
        }
    }
}
