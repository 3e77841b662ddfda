//! Build script: the git revision the binary is built from, for `--version`
//! (`VOCECHAT_TUI_REVISION`; "unknown" outside this project's own checkout, as from a crate
//! tarball, even one unpacked inside another git repository). It reruns when HEAD moves (a
//! commit, a checkout, a reset: each writes the HEAD reflog), not on every edit.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Only this project's checkout counts: a tarball inside some other repository (dotfiles,
    // a vendoring monorepo) must not report that repository's commit.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let ours = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| {
        let canon = |p: &str| Path::new(p).canonicalize().ok();
        canon(&top).is_some() && canon(&top) == canon(&manifest)
    });
    let revision = ours
        .then(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .flatten()
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=VOCECHAT_TUI_REVISION={revision}");
    if !ours {
        return;
    }
    // HEAD itself (a checkout) and its reflog (every commit, reset or checkout appends to
    // it, whether the branch's ref is loose or packed).
    for path in ["HEAD", "logs/HEAD"] {
        // A path that does not exist would rerun this script on every build.
        if let Some(p) = git(&["rev-parse", "--git-path", path])
            && Path::new(&p).exists()
        {
            println!("cargo:rerun-if-changed={p}");
        }
    }
}
