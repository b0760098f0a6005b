//! Embeds every `story/**/*.ron` into the binary, and every translation
//! `story/l10n/LANG.po`, so the installed game needs no files (`--lang fr` and the
//! language setting work from anywhere).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "ron") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let story = root.join("story");
    println!("cargo:rerun-if-changed=story");
    let mut files = Vec::new();
    collect(&story, &mut files);
    files.sort();
    let mut code = String::from(
        "/// `(path relative to story/, contents)` of every embedded story file.\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&story).expect("under story/");
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    // Translations: `(language, PO text)`, in language order.
    let mut translations: Vec<PathBuf> = std::fs::read_dir(story.join("l10n"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "po"))
        .collect();
    translations.sort();
    println!("cargo:rerun-if-changed=story/l10n");
    code.push_str(
        "/// `(language, PO text)` of every embedded translation (`story/l10n/LANG.po`).\npub static EMBEDDED_L10N: &[(&str, &str)] = &[\n",
    );
    for f in &translations {
        println!("cargo:rerun-if-changed={}", f.display());
        let lang = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        writeln!(
            code,
            "    ({lang:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("embedded_story.rs");
    std::fs::write(out, code).expect("write embedded_story.rs");
}
