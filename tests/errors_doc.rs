//! Every code the checker can emit is documented in `docs/errors.md`, and
//! `butterfly explain` prints that documentation.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::root;

/// Every `"E0123"` / `"W0123"` string literal in the engine's source: the codes the
/// checker can emit.
fn emitted_codes() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Unit tests may name codes that are not emitted.
                let text = text.split("#[cfg(test)]").next().unwrap_or("");
                for (i, _) in text.match_indices('"') {
                    let code = text.get(i + 1..i + 6).unwrap_or("");
                    let b = code.as_bytes();
                    if b.len() == 5
                        && matches!(b[0], b'E' | b'W')
                        && b[1..].iter().all(u8::is_ascii_digit)
                        && text.get(i + 6..i + 7) == Some("\"")
                    {
                        out.insert(code.to_owned());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&root().join("crates/engine/src"), &mut out);
    out
}

#[test]
fn every_code_the_checker_can_emit_is_documented_and_nothing_else() {
    let emitted = emitted_codes();
    assert!(emitted.len() > 40, "found {emitted:?}");
    let documented: BTreeSet<String> = butterfly::explain::codes().map(str::to_owned).collect();
    let undocumented: Vec<_> = emitted.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/errors.md: {undocumented:?}"
    );
    let stale: Vec<_> = documented.difference(&emitted).collect();
    assert!(stale.is_empty(), "documented but never emitted: {stale:?}");
}

#[test]
fn explain_prints_the_section_of_a_code() {
    let run = common::butterfly(&["explain", "E0202"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("## E0202: unknown variable\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("devoton += 10"), "{}", run.stdout);
    assert!(!run.stdout.contains("## E0203"), "{}", run.stdout);
    // Lower case works too, as `check` users may type it.
    assert_eq!(common::butterfly(&["explain", "w0408"], "").code, 0);
}

#[test]
fn explain_of_an_unknown_code_lists_the_codes() {
    let run = common::butterfly(&["explain", "E9999"], "");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("no checker code `E9999`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("E0001, E0002"), "{}", run.stderr);
}
