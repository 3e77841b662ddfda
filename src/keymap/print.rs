//! The actions of the config's `[keys]` section as `--print-config` prints them, generated
//! from the action table: every action of every context, its default keys and its one-line
//! help, so the printed config cannot miss one. It owns the printed form only; the table,
//! the contexts and the defaults stay where they are.

use super::{Action, Preset, default_keys};

/// Where the help starts on a line: after `# name = [keys]` padded to this many columns.
const KEYS_WIDTH: usize = 40;
/// Lines longer than this continue their help on the next line.
const LINE_WIDTH: usize = 96;

/// One commented line per action, `# name = ["key", …]  # help`, grouped by context (each
/// under a `# Context:` heading, in the contexts' order), ready to uncomment. Where the vim
/// preset declares other keys, the help ends with them.
pub fn config_lines() -> String {
    let mut actions = Action::ALL.to_vec();
    actions.sort_by_key(|a| a.context());
    let mut out = String::new();
    let mut context = None;
    for action in actions {
        if context != Some(action.context()) {
            context = Some(action.context());
            out.push_str(&format!("#\n# {:?}:\n", action.context()));
        }
        let keys = default_keys(action, Preset::Default);
        let mut words: Vec<String> = action.help().split(' ').map(str::to_string).collect();
        let vim = default_keys(action, Preset::Vim);
        if vim != keys {
            // One unit: a list is not broken over two lines.
            words.push(format!("(vim preset: [{}])", quoted(&vim)));
        }
        let assignment = format!("{} = [{}]", action.name(), quoted(&keys));
        let mut line = format!("# {assignment:<KEYS_WIDTH$}  #");
        let indent = line.chars().count();
        for word in &words {
            if line.chars().count() + 1 + word.chars().count() > LINE_WIDTH
                && line.chars().count() > indent
            {
                out.push_str(&line);
                out.push('\n');
                line = format!("#{:width$}", "", width = indent - 1);
            }
            line.push(' ');
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Keys as a TOML list's items: `"ctrl+k", "alt+enter"` (no default key needs escaping).
fn quoted(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
