//! The crate's layering, checked from the source: which top-level module may use which, no
//! import cycle between them, and no IO in the pure layers. Test code (`tests.rs` files and
//! everything from a file's `#[cfg(test)]` on) is exempt: tests may use any layer.
//!
//! Bottom to top: the leaves, `protocol`, `model`, `present`, `app`, `ui`, then `runtime` and
//! `demo`. A new top-level module must be added to `ALLOWED` (the test fails until it is).
//!
//! Message content types are spelled only in `protocol/` (`ContentKind`): everywhere else
//! matches the kind, so a new kind is found by the compiler, not by grepping for strings.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    // Pure leaves.
    ("sanitize", &[]),
    ("secret", &[]),
    ("timefmt", &[]),
    ("fuzzy", &[]),
    ("theme", &[]),
    ("keymap", &[]),
    ("files", &["sanitize"]),
    ("text", &["sanitize", "theme"]),
    ("config", &["keymap", "protocol", "timefmt", "theme"]),
    // IO leaves: for the runtime, the demo server and `main` only.
    ("clock", &[]),
    ("logging", &[]),
    ("paths", &[]),
    // The layers.
    ("protocol", &["sanitize", "secret"]),
    ("model", &["protocol", "sanitize", "secret", "timefmt"]),
    // How each kind of content is shown, quoted, notified, found and printed.
    (
        "present",
        &["model", "protocol", "sanitize", "files", "text"],
    ),
    (
        "app",
        &[
            "present", "model", "protocol", "sanitize", "secret", "timefmt", "fuzzy", "theme",
            "keymap", "files", "text", "config",
        ],
    ),
    (
        "ui",
        &[
            "app", "present", "model", "protocol", "sanitize", "secret", "timefmt", "fuzzy",
            "theme", "keymap", "files", "text", "config",
        ],
    ),
    (
        "runtime",
        &[
            "ui", "app", "present", "model", "protocol", "sanitize", "secret", "timefmt", "fuzzy",
            "theme", "keymap", "files", "text", "config", "clock", "logging", "paths",
        ],
    ),
    ("demo", &["protocol", "sanitize", "clock"]),
];

/// Modules that must not do IO, read the clock or the environment, or spawn anything.
const PURE: &[&str] = &[
    "protocol", "model", "present", "app", "ui", "sanitize", "secret", "timefmt", "fuzzy", "files",
    "text",
];

/// What IO looks like in source.
const IO_MARKERS: &[&str] = &[
    "tokio::",
    "reqwest::",
    "std::fs",
    "std::env",
    "std::process",
    "std::thread",
    "std::net",
    "SystemTime::now",
    "Instant::now",
    "Local::now",
    "Utc::now",
    "crate::clock",
];

struct Source {
    path: PathBuf,
    module: String,
    /// The file without its test code.
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap();
            let first = rel.components().next().unwrap().as_os_str();
            let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
            if matches!(module.as_str(), "main" | "lib") || path.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = match text.find("#[cfg(test)]") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            out.push(Source { path, module, code });
        }
    }
    out
}

/// Top-level modules named by `crate::name` paths and `use crate::{a, b::c}` groups.
fn used_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for item in top_level_items(&group[..end]) {
                out.insert(item);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

fn matching_brace(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    s.len()
}

/// The first path segment of each comma-separated item of a `use` group.
fn top_level_items(group: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
        .iter()
        .map(|item| {
            item.trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in sources() {
        let entry = edges.entry(s.module.clone()).or_default();
        for used in used_modules(&s.code) {
            if used != s.module {
                entry.insert(used);
            }
        }
    }
    edges
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, uses) in graph() {
        let Some(ok) = allowed.get(module.as_str()) else {
            wrong.push(format!("{module}: not in ALLOWED (add it to its layer)"));
            continue;
        };
        for used in uses {
            if !ok.contains(&used.as_str()) {
                wrong.push(format!("{module} uses {used}"));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_module_graph_has_no_cycle() {
    let edges = graph();
    // Depth-first search with colours: reaching a module still on the stack is a cycle.
    fn visit<'a>(
        m: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, bool>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(true) => return None,
            Some(false) => {
                let at = stack.iter().position(|x| *x == m).unwrap_or(0);
                let mut cycle: Vec<String> = stack[at..]
                    .iter()
                    .map(std::string::ToString::to_string)
                    .collect();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            None => {}
        }
        state.insert(m, false);
        stack.push(m);
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(m, true);
        None
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(m, &edges, &mut state, &mut stack) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_pure_layers_do_no_io() {
    let mut found = Vec::new();
    for s in sources() {
        if !PURE.contains(&s.module.as_str()) {
            continue;
        }
        for (n, line) in s.code.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for marker in IO_MARKERS {
                if code.contains(marker) {
                    found.push(format!("{}:{}: {marker}", s.path.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "IO in a pure layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_uses_in_groups_and_paths() {
    let uses = used_modules("use crate::{app::{App, Msg}, model};\nlet x = crate::ui::draw();");
    assert_eq!(
        uses.into_iter().collect::<Vec<_>>(),
        vec!["app", "model", "ui"]
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter_map(|s| {
            let lines = s.code.lines().count();
            (lines > 600).then(|| format!("{}: {lines} lines", s.path.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these (tests apart):\n{}",
        long.join("\n")
    );
}

/// Where a line of code spells or compares a message content type, if it does: a wire
/// string (`"text/plain"`, `"text/markdown"`, any `"vocechat/…"`, also in single quotes as
/// SQL has them), or a `content_type()` compared with `==` or `!=`. Comments are not code.
fn content_type_use(line: &str) -> Option<&'static str> {
    let code = without_comment(line);
    // In Rust strings and in SQL ones.
    for quote in ['"', '\''] {
        for text in ["text/plain", "text/markdown"] {
            if code.contains(&format!("{quote}{text}{quote}")) {
                return Some("a text content type spelled out");
            }
        }
        if code.contains(&format!("{quote}vocechat/")) {
            return Some("a vocechat/ content type spelled out");
        }
    }
    if code.contains("content_type()") && (code.contains("==") || code.contains("!=")) {
        return Some("content types compared as strings");
    }
    None
}

/// `line` up to a `//` comment that is not inside a string literal.
fn without_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

#[test]
fn content_types_are_spelled_and_compared_only_in_protocol() {
    let mut found = Vec::new();
    for s in sources() {
        let test_file = s
            .path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with("tests.rs"));
        if s.module == "protocol" || test_file {
            continue;
        }
        for (n, line) in s.code.lines().enumerate() {
            if let Some(what) = content_type_use(line) {
                found.push(format!(
                    "{}:{}: {what}: {}",
                    s.path.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "match protocol::content::ContentKind instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_content_type_check_sees_literals_and_comparisons() {
    for bad in [
        r#"if m.content_type == "vocechat/file" {"#,
        r#"match ct { "text/markdown" => 1, _ => 0 }"#,
        r#"sql.push_str(" AND m.content_type = 'vocechat/audio'");"#,
        r#"let url = "https://x"; let t = "text/plain";"#,
        "m.kind.content_type() == content.content_type()",
        "if c.content_type() != other {",
    ] {
        assert!(content_type_use(bad).is_some(), "{bad}");
    }
    for fine in [
        "/// For `vocechat/file`: the body is a path",
        r#"let t = ContentKind::Text.content_type(); // not "text/plain""#,
        "if m.kind == ContentKind::Markdown {",
        r#"HeaderValue::from_static("text/plain; charset=utf-8")"#,
        r#"let s = "a // b"; let k = kind.content_type();"#,
    ] {
        assert!(content_type_use(fine).is_none(), "{fine}");
    }
}

/// Whether one arm of `update`'s match only hands the message on: a single call of a part's
/// handler (`app.on_sent(key, local_id, result)`, `keys::on_key(app, key)`), no block.
fn dispatch_only(body: &str) -> bool {
    let call = body.trim().strip_suffix(',').unwrap_or(body.trim());
    let Some((callee, args)) = call.split_once('(') else {
        return false;
    };
    let name = callee
        .strip_prefix("app.")
        .or_else(|| callee.strip_prefix("keys::"));
    name.is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        && args.ends_with(')')
        && !args[..args.len() - 1].contains(['(', ')', '{', '}', ';'])
}

/// The arms of the match in `src/app/update.rs`, each as what follows its `=>`.
fn update_arms() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app/update.rs");
    let text = std::fs::read_to_string(path).unwrap();
    let start = text
        .find("match msg {")
        .expect("update matches the message")
        + "match msg {".len();
    let block = &text[start..start + matching_brace(&text[start..])];
    block
        .split("=>")
        .skip(1)
        .map(|rest| {
            // Up to the start of the next arm's pattern: the line after the body's last.
            let end = rest.find(",\n").map_or(rest.len(), |i| i + 1);
            rest[..end].to_string()
        })
        .collect()
}

/// Issue 19: behaviour lives with the part that owns the state it changes, so `update` only
/// dispatches: each message goes in one call to its part's handler, in that part's module.
#[test]
fn update_only_dispatches_each_message_to_its_part() {
    let arms = update_arms();
    assert!(arms.len() > 30, "{} arms found", arms.len());
    let inline: Vec<&String> = arms.iter().filter(|a| !dispatch_only(a)).collect();
    assert!(
        inline.is_empty(),
        "handle these in the module of the part whose state they change:\n{inline:#?}"
    );
}

#[test]
fn the_dispatch_check_sees_inline_behaviour() {
    for fine in [
        " app.on_sent(key, local_id, result),",
        " keys::on_key(app, key),",
        " app.restore(*restored),",
        " app.on_logged_out(),",
    ] {
        assert!(dispatch_only(fine), "{fine}");
    }
    for bad in [
        " {\n            app.screen.size = (w, h);\n            vec![]\n        }",
        " app.on_history(key, before, limit, result).into_iter().chain(app.pump()).collect(),",
        " vec![],",
        " app.info(text.clone()),",
    ] {
        assert!(!dispatch_only(bad), "{bad}");
    }
}

/// Issue 19: each part of `App` says in its header what it owns and which messages change it.
#[test]
fn every_part_of_the_app_names_the_rule_in_its_header() {
    let unnamed: Vec<String> = sources()
        .iter()
        .filter(|s| s.module == "app" && s.code.contains("\nimpl App {"))
        .filter(|s| {
            let header: String = s
                .code
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .collect::<Vec<_>>()
                .join(" ");
            !header.contains("The rule (issue 19)")
        })
        .map(|s| s.path.display().to_string())
        .collect();
    assert!(
        unnamed.is_empty(),
        "say what each owns and which messages change it:\n{}",
        unnamed.join("\n")
    );
}
