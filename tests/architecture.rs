//! The dependency rule, held by tests as well as by the compiler: the engine crate
//! (`crates/engine`: story compiler + engine) depends only on pure crates and reads no
//! files, so that every front end shares one pure core.

use std::fs;
use std::path::{Path, PathBuf};

/// The only crates the engine may depend on.
const ALLOWED: &[&str] = &["rand", "rand_chacha", "ron", "serde", "thiserror"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_engine_crate_depends_only_on_pure_crates() {
    let manifest = fs::read_to_string(root().join("crates/engine/Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("the engine has a [dependencies] table");
    let deps = deps.split("\n[").next().unwrap_or(deps);
    let names: Vec<&str> = deps
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split(['=', ' ']).next())
        .collect();
    assert!(!names.is_empty(), "no dependencies parsed from {deps:?}");
    for name in names {
        assert!(
            ALLOWED.contains(&name),
            "crates/engine depends on `{name}`; only {ALLOWED:?} are allowed"
        );
    }
}

#[test]
fn the_engine_crate_does_no_file_or_terminal_io() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/engine/src"), &mut files);
    assert!(files.len() > 5, "engine sources not found");
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for banned in [
            "std::fs",
            "std::process",
            "std::net",
            "println!",
            "eprintln!",
        ] {
            assert!(
                !text.contains(banned),
                "{} uses `{banned}`: the engine crate does no I/O",
                file.display()
            );
        }
    }
}

/// A module of one crate, as a path from its root: `src/save/store.rs` is
/// `["save", "store"]`, `src/tui/mod.rs` is `["tui"]`, `src/lib.rs` is `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Every path named after `crate::` or `super::` in `text` (use lines and inline
/// paths alike, groups in braces expanded), made absolute from `module`.
fn referenced_paths(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &code[i..];
        let base: Option<(Vec<String>, usize)> = if rest.starts_with("crate::") {
            Some((Vec::new(), "crate::".len()))
        } else if rest.starts_with("super::") {
            let mut parent = module.to_vec();
            parent.pop();
            Some((parent, "super::".len()))
        } else {
            None
        };
        let preceded_by_ident =
            i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        match base {
            Some((base, skip)) if !preceded_by_ident => {
                let (paths, used) = parse_tree(&code[i + skip..]);
                for p in paths {
                    let mut full = base.clone();
                    full.extend(p);
                    out.push(full);
                }
                i += skip + used.max(1);
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// Parses `a::b::{c, d::e}`-style trees: the leaf paths and the bytes consumed.
fn parse_tree(s: &str) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut i = 0;
    loop {
        let ident: String = s[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !ident.is_empty() {
            i += ident.len();
            prefix.push(ident);
            if s[i..].starts_with("::") {
                i += 2;
                continue;
            }
            return (vec![prefix], i);
        }
        if s[i..].starts_with('{') {
            i += 1;
            let mut out = Vec::new();
            loop {
                let trimmed = s[i..].trim_start();
                i += s[i..].len() - trimmed.len();
                if s[i..].starts_with('}') {
                    return (out, i + 1);
                }
                if s[i..].starts_with(',') {
                    i += 1;
                    continue;
                }
                let (inner, used) = parse_tree(&s[i..]);
                for p in inner {
                    let mut full = prefix.clone();
                    full.extend(p);
                    out.push(full);
                }
                // `x as y`: skip to the next separator.
                i += used.max(1);
                let skip = s[i..].find([',', '}']).unwrap_or(s.len() - i);
                i += skip;
            }
        }
        return (vec![prefix], i);
    }
}

/// For each module of the crate under `src`, the sibling modules it depends on: an
/// edge `a -> b` between two children of one parent, lifted from any reference from
/// inside `a` to inside `b`. References to a module's own ancestors or descendants are
/// not edges (a parent declares its children; children use the parent's items).
fn sibling_edges(src: &Path) -> Vec<(Vec<String>, Vec<String>)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: Vec<Vec<String>> = files.iter().map(|f| module_of(src, f)).collect();
    let resolve = |path: &[String]| -> Option<Vec<String>> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| !p.is_empty() && modules.contains(p))
    };
    let mut edges = Vec::new();
    for (file, module) in files.iter().zip(&modules) {
        let text = fs::read_to_string(file).unwrap();
        // Unit tests may reach anywhere.
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for path in referenced_paths(text, module) {
            let Some(target) = resolve(&path) else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common == module.len() || common == target.len() {
                continue;
            }
            let edge = (module[..=common].to_vec(), target[..=common].to_vec());
            if !edges.contains(&edge) {
                edges.push(edge);
            }
        }
    }
    edges
}

/// A cycle among sibling modules, if there is one.
fn find_cycle(edges: &[(Vec<String>, Vec<String>)]) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        edges: &[(Vec<String>, Vec<String>)],
        stack: &mut Vec<Vec<String>>,
        done: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.clone());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for (_, to) in edges.iter().filter(|(from, _)| from == node) {
            if let Some(c) = visit(to, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.push(node.clone());
        None
    }
    let mut done = Vec::new();
    for (from, _) in edges {
        if let Some(c) = visit(from, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_front_end_imports_another() {
    let edges = sibling_edges(&root().join("src"));
    let front_ends = ["tui", "plain", "replay"];
    for (from, to) in &edges {
        // Top-level edges only: `tui::app -> tui::wrap` is inside one front end.
        let ([a], [b]) = (&from[..], &to[..]) else {
            continue;
        };
        assert!(
            !(front_ends.contains(&a.as_str()) && front_ends.contains(&b.as_str())),
            "the front end `{a}` uses the front end `{b}`: a game rule they share belongs \
             in the session layer (crates/engine/src/session), not in either of them"
        );
    }
    // The scanner does see imports: the CLI starts every front end.
    assert!(
        edges
            .iter()
            .any(|(f, t)| f[..] == ["cli".to_owned()] && t[..] == ["tui".to_owned()]),
        "no cli -> tui edge found: {edges:?}"
    );
}

#[test]
fn no_import_cycle_between_modules() {
    for src in [root().join("src"), root().join("crates/engine/src")] {
        let edges = sibling_edges(&src);
        assert!(
            edges.len() > 5,
            "too few imports found in {}",
            src.display()
        );
        if let Some(cycle) = find_cycle(&edges) {
            let shown: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            panic!(
                "an import cycle in {}: {}",
                src.display(),
                shown.join(" -> ")
            );
        }
    }
}

#[test]
fn the_cycle_detector_finds_a_cycle() {
    let m = |s: &str| vec![s.to_owned()];
    let edges = [(m("a"), m("b")), (m("b"), m("c")), (m("c"), m("a"))];
    assert_eq!(find_cycle(&edges).map(|c| c.len()), Some(4));
    assert_eq!(find_cycle(&edges[..2]), None);
    let module = vec!["save".to_owned(), "store".to_owned()];
    let paths = referenced_paths(
        "use super::{format::{self, X}, profile};\nlet x = crate::tui::app::App;",
        &module,
    );
    assert!(paths.contains(&vec!["save".into(), "format".into(), "X".into()]));
    assert!(paths.contains(&vec!["save".into(), "profile".into()]));
    assert!(paths.contains(&vec!["tui".into(), "app".into(), "App".into()]));
}
