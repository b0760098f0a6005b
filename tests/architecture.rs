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
