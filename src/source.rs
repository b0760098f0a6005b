//! Where story files come from: a directory on disk, or the copy built into the binary.
//!
//! The only module that reads story files from disk, so `story` stays pure.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::story::SourceFile;
use crate::story::load::limits;

/// Why a story directory could not be read at all (exit code 2 territory).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The directory does not exist.
    #[error("story directory `{0}` does not exist")]
    Missing(PathBuf),
    /// The path is not a directory.
    #[error("`{0}` is not a directory")]
    NotADirectory(PathBuf),
    /// Reading failed.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Reads every `*.ron` under `dir`, recursively, in sorted path order.
///
/// Files over the size limit are read only up to it plus one byte, and reading stops
/// once all files together pass the whole-story limit, so the loader can refuse them
/// without this process swallowing a huge file or a huge directory.
///
/// # Errors
/// When the directory is missing or unreadable.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, SourceError> {
    if !dir.exists() {
        return Err(SourceError::Missing(dir.to_owned()));
    }
    if !dir.is_dir() {
        return Err(SourceError::NotADirectory(dir.to_owned()));
    }
    let mut paths = Vec::new();
    collect(dir, &mut paths, 0)?;
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    let mut total = 0usize;
    for p in paths.into_iter().take(limits::MAX_FILES + 1) {
        // Past the whole-story limit nothing more is read; the loader names the file
        // that crossed it.
        if total > limits::MAX_TOTAL_BYTES {
            break;
        }
        let io = |source| SourceError::Io {
            path: p.clone(),
            source,
        };
        let f = std::fs::File::open(&p).map_err(io)?;
        let mut bytes = Vec::new();
        f.take(limits::MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| SourceError::Io {
                path: p.clone(),
                source,
            })?;
        total += bytes.len();
        let rel = p.strip_prefix(dir).unwrap_or(&p);
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push(SourceFile {
            path: display_path(dir, &path),
            bytes,
        });
    }
    Ok(files)
}

/// A file as named in diagnostics (see [`read_dir`]), or a location starting with one,
/// made relative to the story directory again: `chapters/a.ron:3:5` instead of
/// `/home/me/stories/mine/chapters/a.ron:3:5`, for places with little room.
#[must_use]
pub fn story_relative<'a>(dir: &Path, shown: &'a str) -> &'a str {
    let prefix = display_path(dir, "");
    if prefix.is_empty() {
        return shown;
    }
    shown.strip_prefix(&prefix).unwrap_or(shown)
}

/// How a file is named in diagnostics: the directory as given, then the relative path.
fn display_path(dir: &Path, rel: &str) -> String {
    let d = dir.to_string_lossy();
    let d = d.trim_end_matches('/');
    if d.is_empty() || d == "." {
        rel.to_owned()
    } else {
        format!("{d}/{rel}")
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), SourceError> {
    // Symlink loops or absurd nesting end here rather than in a stack overflow.
    if depth > 32 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| SourceError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
        if out.len() > limits::MAX_FILES {
            return Ok(());
        }
    }
    Ok(())
}

/// The story shipped with the game, embedded at build time by `build.rs`.
#[must_use]
pub fn embedded() -> Vec<SourceFile> {
    EMBEDDED
        .iter()
        .map(|(path, text)| SourceFile {
            path: format!("story/{path}"),
            bytes: text.as_bytes().to_vec(),
        })
        .collect()
}

include!(concat!(env!("OUT_DIR"), "/embedded_story.rs"));
