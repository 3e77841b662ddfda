//! The key map's table: every context (one per popup with keys of its own), every action
//! (its config name, context and help) and their default keys per preset (default and vim).
//! A new action, or a new popup's keys, is declared here and nowhere else in the key map.

use super::Preset;

/// Where a binding applies. Context bindings win over global ones. Each popup that has keys
/// of its own has a context; a key it does not bind closes it (the switcher types it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Composer,
    Select,
    /// The fuzzy switcher (Ctrl+K).
    Switcher,
    /// The help overlay (F1).
    Help,
    /// Your meeting link (/call).
    Call,
    /// "Delete this message?", "Leave #channel?", "Open this link?".
    Confirm,
    /// The reaction picker.
    React,
    /// The search view (other keys type the query).
    Search,
    /// Your devices (/devices).
    Devices,
    /// The files picked for the next send (Alt+X with more than one).
    Staged,
    /// The link picker (Alt+L; letters type a hint).
    Links,
    /// Copying part of a message (Y in selection; 1-9 copy a code block or link).
    CopyView,
    /// A channel's pinned messages (/pins).
    Pinned,
}

impl Context {
    /// Its section title in the help overlay and the printed config.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "anywhere",
            Context::Composer => "composer",
            Context::Select => "selection",
            Context::Switcher => "switcher popup (other keys type the query)",
            Context::Search => "search view (other keys type the query)",
            Context::Help => "help popup (any other key closes)",
            Context::Call => "meeting link popup (any other key closes)",
            Context::Confirm => "confirm popup (any other key is no)",
            Context::React => "reaction picker (any other key closes)",
            Context::Devices => "devices popup (/devices)",
            Context::Staged => "picked files popup (Alt+X)",
            Context::Links => "link picker (a hint opens its link, in capitals copies it)",
            Context::CopyView => "copy part of a message (1-9 copy a code block or link)",
            Context::Pinned => "pinned messages popup (/pins)",
        }
    }
}

actions! {
    Quit => "quit", Global, "quit";
    Switcher => "switcher", Global, "jump to a channel or person (fuzzy)";
    PrevConversation => "prev_conversation", Global, "previous conversation";
    NextConversation => "next_conversation", Global, "next conversation";
    NextUnread => "next_unread", Global, "next conversation with unread messages";
    NextMention => "next_mention", Global, "next conversation that mentions you";
    PageUp => "page_up", Global, "scroll up a page (loads older history)";
    PageDown => "page_down", Global, "scroll down a page";
    Help => "help", Global, "this help";
    ToggleSidebar => "toggle_sidebar", Global, "show or hide the sidebar";
    Reconnect => "reconnect", Global, "reconnect now";
    SelectMode => "select_mode", Global, "select messages (reply, edit, react…)";
    Search => "search", Global, "search all stored messages";
    Inbox => "inbox", Global, "messages that mention you or reply to you";
    Announcement => "announcement", Global, "the open channel's whole announcement";
    LinkPicker => "links", Global, "open or copy a link on the screen by its hint";
    Suspend => "suspend", Global, "suspend to the shell (resume with fg)";
    Send => "send", Composer, "send the message";
    Newline => "newline", Composer, "new line in the message";
    ExternalEditor => "external_editor", Composer, "compose in $EDITOR";
    EditLast => "edit_last", Composer, "edit your last message (empty composer)";
    Complete => "complete", Composer, "complete @name, /command or :emoji";
    Cancel => "cancel", Composer, "cancel reply/edit, close popups";
    RetrySend => "retry_send", Composer, "retry failed sends, changes and uploads";
    DiscardFailed => "discard_failed", Composer, "discard failed sends and changes";
    Unstage => "unstage", Composer, "remove a file picked with /upload (asks which when several)";
    ToggleMarkdown => "toggle_markdown", Composer, "send this draft as markdown, or not";
    SelectUp => "select_up", Select, "select the previous message";
    SelectDown => "select_down", Select, "select the next message";
    ScrollTop => "scroll_top", Select, "go to the oldest message";
    ScrollBottom => "scroll_bottom", Select, "go to the newest message";
    Reply => "reply", Select, "reply to the selected message";
    Edit => "edit", Select, "edit the selected message";
    Delete => "delete", Select, "delete the selected or marked messages (asks)";
    Mark => "mark", Select, "mark the selected message (delete several)";
    React => "react", Select, "react to the selected message";
    Copy => "copy", Select, "copy the message text (OSC 52)";
    CopyPart => "copy_part", Select, "copy part of the message: lines, a code block, a link";
    OpenLink => "open_link", Select, "open the first link or file";
    JoinCall => "join_call", Select, "your own link to the selected meeting invite (the config's defaults, like a bare /call)";
    Save => "save", Select, "download the selected file";
    Preview => "preview", Select, "preview the selected image";
    SaveMessage => "save_message", Select, "save the message (/saved lists them)";
    Forward => "forward", Select, "forward the selected or marked messages to a conversation";
    FollowReply => "follow_reply", Select, "go to the message a reply quotes";
    JumpBack => "jump_back", Select, "back to where you were before a jump";
    ListReplies => "list_replies", Select, "list the replies to the selected message";
    PinMessage => "pin_message", Select, "pin the selected message in its channel, or unpin it (admins; a private channel's owner)";
    Leave => "leave_select", Select, "back to the composer";
    SwitcherUp => "switcher_up", Switcher, "previous match";
    SwitcherDown => "switcher_down", Switcher, "next match";
    SwitcherOpen => "switcher_open", Switcher, "open the match";
    SwitcherErase => "switcher_erase", Switcher, "delete the last typed character";
    SwitcherClose => "switcher_close", Switcher, "close";
    SearchUp => "search_up", Search, "previous result";
    SearchDown => "search_down", Search, "next result";
    SearchOpen => "search_open", Search, "open the conversation at the result";
    SearchErase => "search_erase", Search, "delete the last typed character";
    SearchClear => "search_clear", Search, "clear the query";
    SearchOlder => "search_older", Search, "fetch older history of the conversations searched";
    SearchMarkRead => "search_mark_read", Search, "mark what was found read";
    SearchUnsave => "search_unsave", Search, "remove the selected saved message (/saved)";
    SearchClose => "search_close", Search, "close";
    HelpDown => "help_down", Help, "scroll down a line";
    HelpUp => "help_up", Help, "scroll up a line";
    HelpPageDown => "help_page_down", Help, "scroll down a page";
    HelpPageUp => "help_page_up", Help, "scroll up a page";
    CallCopy => "call_copy", Call, "copy the link (OSC 52)";
    CallOpen => "call_open", Call, "open it in the browser";
    ConfirmYes => "confirm_yes", Confirm, "yes";
    DevicesUp => "devices_up", Devices, "previous device";
    DevicesDown => "devices_down", Devices, "next device";
    DevicesLogout => "devices_logout", Devices, "log the selected device out (asks first)";
    DevicesClose => "devices_close", Devices, "close";
    StagedUp => "staged_up", Staged, "previous file";
    StagedDown => "staged_down", Staged, "next file";
    StagedRemove => "staged_remove", Staged, "remove the file from the next send";
    StagedClose => "staged_close", Staged, "close";
    LinksErase => "links_erase", Links, "take back the last letter typed";
    LinksClose => "links_close", Links, "close";
    CopyViewUp => "copy_view_up", CopyView, "previous line";
    CopyViewDown => "copy_view_down", CopyView, "next line";
    CopyViewRange => "copy_view_range", CopyView, "start or end a range of lines";
    CopyViewCopy => "copy_view_copy", CopyView, "copy the line or the range (OSC 52)";
    CopyViewAll => "copy_view_all", CopyView, "copy every line";
    CopyViewClose => "copy_view_close", CopyView, "close";
    PinnedUp => "pinned_up", Pinned, "previous pinned message";
    PinnedDown => "pinned_down", Pinned, "next pinned message";
    PinnedOpen => "pinned_open", Pinned, "go to the message in the timeline";
    PinnedUnpin => "pinned_unpin", Pinned, "unpin the selected message";
    PinnedClose => "pinned_close", Pinned, "close";
    ReactLeft => "react_left", React, "previous reaction";
    ReactRight => "react_right", React, "next reaction";
    ReactPick => "react_pick", React, "react with it (again takes it back)";
    React1 => "react_1", React, "react with ❤️";
    React2 => "react_2", React, "react with 😄";
    React3 => "react_3", React, "react with 👀";
    React4 => "react_4", React, "react with 👍";
    React5 => "react_5", React, "react with 👎";
    React6 => "react_6", React, "react with 🎉";
    React7 => "react_7", React, "react with 🙁";
    React8 => "react_8", React, "react with 🚀";
}

/// The reaction picker's direct picks, in the order of `protocol::types::REACTIONS`.
pub const REACT_PICKS: [Action; 8] = [
    Action::React1,
    Action::React2,
    Action::React3,
    Action::React4,
    Action::React5,
    Action::React6,
    Action::React7,
    Action::React8,
];

pub(super) fn defaults(preset: Preset) -> Vec<(Action, &'static str)> {
    use Action::*;
    let mut d = vec![
        (Quit, "ctrl+q"),
        (Quit, "ctrl+c"),
        (Switcher, "ctrl+k"),
        (PrevConversation, "alt+up"),
        (NextConversation, "alt+down"),
        (NextUnread, "alt+u"),
        (NextMention, "alt+m"),
        (PageUp, "pgup"),
        (PageDown, "pgdown"),
        (Help, "f1"),
        (ToggleSidebar, "alt+b"),
        (Reconnect, "ctrl+r"),
        (SelectMode, "alt+s"),
        (Search, "alt+/"),
        (Inbox, "alt+i"),
        (Announcement, "alt+n"),
        (LinkPicker, "alt+l"),
        (Suspend, "ctrl+z"),
        (Send, "enter"),
        (Newline, "alt+enter"),
        (Newline, "shift+enter"),
        (Newline, "ctrl+j"),
        (ExternalEditor, "alt+e"),
        (EditLast, "up"),
        (Complete, "tab"),
        (Cancel, "esc"),
        (RetrySend, "alt+r"),
        (DiscardFailed, "alt+d"),
        (Unstage, "alt+x"),
        (ToggleMarkdown, "ctrl+t"),
        (SelectUp, "up"),
        (SelectUp, "k"),
        (SelectDown, "down"),
        (SelectDown, "j"),
        (ScrollTop, "home"),
        (ScrollBottom, "end"),
        (Reply, "r"),
        (Reply, "enter"),
        (Edit, "e"),
        (Delete, "d"),
        (Mark, "space"),
        (Mark, "v"),
        (React, "+"),
        (Copy, "y"),
        (CopyPart, "shift+y"),
        (OpenLink, "o"),
        (JoinCall, "c"),
        (Save, "s"),
        (Preview, "p"),
        (SaveMessage, "f"),
        (Forward, "shift+f"),
        (FollowReply, "tab"),
        (JumpBack, "backspace"),
        (ListReplies, "shift+r"),
        (PinMessage, "shift+p"),
        (Leave, "esc"),
        (Leave, "i"),
        // Popups. The first key of an action is the one its hint shows.
        (SwitcherUp, "up"),
        (SwitcherDown, "down"),
        (SwitcherDown, "tab"),
        (SwitcherOpen, "enter"),
        (SwitcherErase, "backspace"),
        (SwitcherClose, "esc"),
        (SearchUp, "up"),
        (SearchUp, "ctrl+p"),
        (SearchDown, "down"),
        (SearchDown, "ctrl+n"),
        (SearchDown, "tab"),
        (SearchOpen, "enter"),
        (SearchErase, "backspace"),
        (SearchClear, "ctrl+u"),
        (SearchOlder, "ctrl+o"),
        (SearchMarkRead, "alt+a"),
        (SearchUnsave, "delete"),
        (SearchClose, "esc"),
        (HelpDown, "down"),
        (HelpDown, "j"),
        (HelpUp, "up"),
        (HelpUp, "k"),
        (HelpPageDown, "pgdown"),
        (HelpPageUp, "pgup"),
        (CallCopy, "c"),
        (CallCopy, "y"),
        (CallOpen, "o"),
        (CallOpen, "enter"),
        (DevicesUp, "up"),
        (DevicesUp, "k"),
        (DevicesDown, "down"),
        (DevicesDown, "j"),
        (DevicesLogout, "d"),
        (DevicesLogout, "delete"),
        (DevicesClose, "esc"),
        (StagedUp, "up"),
        (StagedUp, "k"),
        (StagedDown, "down"),
        (StagedDown, "j"),
        (StagedRemove, "d"),
        (StagedRemove, "delete"),
        (StagedRemove, "enter"),
        (StagedClose, "esc"),
        (LinksErase, "backspace"),
        (LinksClose, "esc"),
        (CopyViewUp, "up"),
        (CopyViewUp, "k"),
        (CopyViewDown, "down"),
        (CopyViewDown, "j"),
        (CopyViewRange, "v"),
        (CopyViewRange, "space"),
        (CopyViewCopy, "y"),
        (CopyViewCopy, "enter"),
        (CopyViewAll, "a"),
        (CopyViewClose, "esc"),
        (PinnedUp, "up"),
        (PinnedUp, "k"),
        (PinnedDown, "down"),
        (PinnedDown, "j"),
        (PinnedOpen, "enter"),
        (PinnedUnpin, "d"),
        (PinnedUnpin, "delete"),
        (PinnedClose, "esc"),
        (ConfirmYes, "y"),
        (ConfirmYes, "shift+y"),
        (ReactLeft, "left"),
        (ReactLeft, "h"),
        (ReactRight, "right"),
        (ReactRight, "l"),
        (ReactRight, "tab"),
        (ReactPick, "enter"),
        (React1, "1"),
        (React2, "2"),
        (React3, "3"),
        (React4, "4"),
        (React5, "5"),
        (React6, "6"),
        (React7, "7"),
        (React8, "8"),
    ];
    match preset {
        Preset::Default => d.push((React, "a")),
        Preset::Vim => {
            d.retain(|(a, k)| !(*a == Cancel && *k == "esc"));
            d.extend([
                (Cancel, "ctrl+g"),
                (ScrollTop, "g"),
                (ScrollBottom, "shift+g"),
                (Leave, "a"),
            ]);
        }
    }
    d
}

/// The default keys of `action` in `preset`, as the config writes them, in declared order.
pub fn default_keys(action: Action, preset: Preset) -> Vec<&'static str> {
    defaults(preset)
        .into_iter()
        .filter(|(a, _)| *a == action)
        .map(|(_, k)| k)
        .collect()
}
