//! The composer: the text being typed (a ratatui-textarea), what Enter does with it (a new
//! message, a reply, an edit), the `@Name` mentions completed in it, the completion being
//! cycled, the drafts of other conversations and the files staged for the next send.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the draft and the staged files: Enter (which hands the text to the outbox, a
//! command or an edit), starting an edit, and the messages that change them (`Msg::Edited`,
//! `Msg::Staged`) are here; Tab completion and its `Msg::PathCompleted` are `complete.rs`.

use super::{App, Effect, Mode, Outcome};
use crate::model::{ConvKey, Staged};
use crate::protocol::types::{Content, Properties};
use ratatui_textarea::TextArea;
use std::collections::HashMap;

/// What Enter does with the composer's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ComposeTarget {
    #[default]
    New,
    Reply(i64),
    Edit(i64),
}

pub struct Composer {
    pub textarea: TextArea<'static>,
    pub target: ComposeTarget,
    /// `@Name` → uid for mentions completed in the current draft.
    pub mentions: HashMap<String, i64>,
    /// Completion candidates for the word being typed, and which one is shown.
    pub completion: Option<(Vec<String>, usize)>,
    /// Files picked for the next send.
    pub staged: Vec<Staged>,
    /// Drafts of other conversations, kept while you switch.
    drafts: HashMap<ConvKey, Vec<String>>,
    /// Shown while empty (it names the keys from the live keymap).
    placeholder: String,
    /// Ctrl+T's choice for this draft (markdown or not), over the config's.
    pub markdown: Option<bool>,
}

impl Default for Composer {
    fn default() -> Composer {
        Composer::new(String::new())
    }
}

impl Composer {
    pub fn new(placeholder: String) -> Composer {
        Composer {
            textarea: new_textarea(&placeholder),
            placeholder,
            target: ComposeTarget::New,
            mentions: HashMap::new(),
            completion: None,
            staged: Vec::new(),
            drafts: HashMap::new(),
            markdown: None,
        }
    }

    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Replaces the text (the cursor ends after it).
    pub fn set_text(&mut self, text: &str) {
        let mut t = new_textarea(&self.placeholder);
        t.insert_str(text);
        self.textarea = t;
    }

    /// Leaving conversation `from` (if any) for `to`: `from`'s draft is kept, `to`'s comes
    /// back, and a reply or edit in progress is dropped with its completion state.
    pub fn switch(&mut self, from: Option<ConvKey>, to: ConvKey) {
        if let Some(old) = from {
            let text = self.textarea.lines().to_vec();
            if text.iter().any(|l| !l.is_empty()) {
                self.drafts.insert(old, text);
            } else {
                self.drafts.remove(&old);
            }
        }
        let draft = self.drafts.remove(&to).unwrap_or_default().join("\n");
        self.set_text(&draft);
        self.target = ComposeTarget::New;
        self.mentions.clear();
        self.completion = None;
    }

    /// Keeps `text` as the draft of `key` (restored from the store), shown when it opens.
    pub fn keep_draft(&mut self, key: ConvKey, text: &str) {
        if !text.is_empty() {
            self.drafts
                .insert(key, text.split('\n').map(str::to_string).collect());
        }
    }

    /// The drafts of every conversation, the one being typed in `open` included.
    pub fn drafts(&self, open: Option<ConvKey>) -> Vec<(ConvKey, String)> {
        let mut out: Vec<(ConvKey, String)> = self
            .drafts
            .iter()
            .map(|(k, lines)| (*k, lines.join("\n")))
            .collect();
        if let Some(key) = open {
            out.retain(|(k, _)| *k != key);
            out.push((key, self.text()));
        }
        out
    }

    /// Whether `text` goes out as markdown: this draft's Ctrl+T choice, else the config's.
    pub fn sends_markdown(&self, text: &str, mode: crate::config::MarkdownMode) -> bool {
        use crate::config::MarkdownMode;
        self.markdown.unwrap_or(match mode {
            MarkdownMode::Always => true,
            MarkdownMode::Never => false,
            MarkdownMode::Auto => crate::text::looks_like_markdown(text),
        })
    }

    /// Turns a draft into wire content: completed `@Name`s become `@uid` mentions (longest
    /// names first, so `@Ann Lee` is not cut short by `@Ann`). The draft's markdown choice
    /// ends with it.
    pub fn outgoing(&mut self, mut text: String, markdown: bool) -> (Content, Properties) {
        self.markdown = None;
        let mut props = Properties::default();
        let mut names: Vec<(String, i64)> = self.mentions.drain().collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        for (name, uid) in names {
            let token = format!("@{name}");
            if text.contains(&token) {
                text = text.replace(&token, &format!("@{uid}"));
                if !props.mentions.contains(&uid) {
                    props.mentions.push(uid);
                }
            }
        }
        let content = if markdown {
            Content::Markdown(text)
        } else {
            Content::Text(text)
        };
        (content, props)
    }

    /// Adds files to the staged list, each path once.
    pub fn stage(&mut self, files: Vec<Staged>) {
        for f in files {
            if !self.staged.iter().any(|s| s.path == f.path) {
                self.staged.push(f);
            }
        }
    }
}

impl App {
    /// Enter in the composer.
    pub(super) fn submit(&mut self) -> Vec<Effect> {
        let text = self.composer.text();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return self.send_staged();
        }
        if let Some(cmd) = trimmed.strip_prefix('/')
            && !trimmed.starts_with("//")
        {
            let cmd = cmd.to_string();
            self.composer.set_text("");
            return self.run_command(&cmd);
        }
        if let Some(why) = self.timeline.open.and_then(|k| self.chat.post_refusal(k)) {
            // Said before you type (the composer shows it); the text stays.
            self.error(why);
            return vec![];
        }
        let text = text
            .strip_prefix('/')
            .filter(|_| trimmed.starts_with("//"))
            .map(str::to_string)
            .unwrap_or(text);
        self.composer.set_text("");
        self.composer.completion = None;
        let mut effects = self.send_staged();
        effects.extend(
            match std::mem::replace(&mut self.composer.target, ComposeTarget::New) {
                ComposeTarget::New => self.send_text(text, None),
                ComposeTarget::Reply(mid) => self.send_text(text, Some(mid)),
                ComposeTarget::Edit(mid) => {
                    let markdown = self
                        .composer
                        .sends_markdown(&text, self.settings.send_markdown);
                    let (content, _) = self.composer.outgoing(text, markdown);
                    self.change(mid, crate::model::Change::Edit(content))
                }
            },
        );
        effects
    }

    /// Puts your text message `mid` in the composer to be edited (mentions as names again).
    pub(super) fn start_edit(&mut self, mid: i64) {
        let Some(m) = self.chat.message(mid) else {
            return;
        };
        if Some(m.from_uid) != self.chat.me || m.is_file() {
            self.error("you can only edit your own text messages");
            return;
        }
        // Show mentions as names again while editing: one pass over the text, whatever the
        // number of mentions (a text replace per mention was quadratic).
        let uids = crate::protocol::types::mentions_of(m.properties.as_ref());
        let listed: std::collections::HashSet<i64> = uids.iter().copied().collect();
        let text = crate::protocol::mention::render(&m.content, |uid| {
            listed.contains(&uid).then(|| self.chat.user_name(uid))
        });
        let mentions: HashMap<String, i64> = uids
            .into_iter()
            .map(|uid| (self.chat.user_name(uid), uid))
            .collect();
        self.composer.set_text(&text);
        self.composer.mentions = mentions;
        self.composer.target = ComposeTarget::Edit(mid);
        self.mode = Mode::Chat;
    }

    /// `$EDITOR` returned the draft (its last line break dropped), or failed.
    pub(super) fn on_edited(&mut self, result: Outcome<String>) -> Vec<Effect> {
        match result {
            Ok(text) => self.composer.set_text(text.trim_end_matches('\n')),
            Err(e) => self.error(format!("editor: {e}")),
        }
        vec![]
    }

    /// Files were checked for staging: the readable ones are picked for the next send, and
    /// pasted text that named no readable file goes into the draft after all.
    pub(super) fn on_staged(
        &mut self,
        files: Vec<Staged>,
        errors: Vec<String>,
        paste: Option<String>,
    ) -> Vec<Effect> {
        if let Some(text) = paste.filter(|_| files.is_empty()) {
            // Pasted text that is not a readable file: it was text after all.
            self.composer.textarea.insert_str(&text);
            return vec![];
        }
        self.composer.stage(files);
        if !errors.is_empty() {
            self.error(errors.join("; "));
        } else if !self.composer.staged.is_empty() {
            self.info(format!(
                "{} file(s) ready: Enter sends, {} removes one",
                self.composer.staged.len(),
                self.keymap.hint(crate::keymap::Action::Unstage)
            ));
        }
        vec![]
    }
}

/// An empty text area styled as the composer.
pub fn new_textarea(placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.set_placeholder_text(placeholder);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_follow_their_conversation() {
        let mut c = Composer::default();
        c.switch(None, ConvKey::Group(1));
        c.set_text("half a thought");
        c.target = ComposeTarget::Reply(5);
        c.switch(Some(ConvKey::Group(1)), ConvKey::User(2));
        assert_eq!((c.text(), c.target), (String::new(), ComposeTarget::New));
        c.switch(Some(ConvKey::User(2)), ConvKey::Group(1));
        assert_eq!(c.text(), "half a thought");
    }

    #[test]
    fn longer_names_are_replaced_first() {
        let mut c = Composer::default();
        c.mentions.insert("Ann".into(), 1);
        c.mentions.insert("Ann Lee".into(), 2);
        let (content, props) = c.outgoing("hi @Ann Lee and @Ann".into(), false);
        assert_eq!(content, Content::Text("hi @2 and @1".into()));
        assert_eq!(props.mentions, vec![2, 1]);
        assert!(c.mentions.is_empty());
    }
}
