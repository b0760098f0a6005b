//! Where story files come from: a directory on disk, or the copy built into the binary.
//!
//! The only module that reads story files from disk, so `story` stays pure.
//!
//! Only regular files are read. A FIFO, a socket or a device named `*.ron` would block
//! a read forever (or read a terminal), so each entry's type is checked before it is
//! opened, and again on the open handle (opened non-blocking and without following a
//! link, in case it was swapped in between). Symbolic links inside the story folder
//! are refused rather than followed, so a story never reads a file outside its folder
//! and never quotes one in a diagnostic; the folder itself may be reached through a
//! link. Folders nested deeper than [`limits::MAX_FOLDER_DEPTH`] are an error, not
//! silently skipped.

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
    /// A story file that is not a regular file: it is never opened (or, if it became
    /// one after it was listed, never read).
    #[error(
        "`{path}` is {kind}, not a regular file; a story folder may hold only regular files (symbolic links are not followed)"
    )]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead: "a FIFO", "a symbolic link", ...
        kind: &'static str,
    },
    /// A folder nested deeper than the limit.
    #[error(
        "`{0}` is nested more than {max} folders deep in the story folder",
        max = limits::MAX_FOLDER_DEPTH
    )]
    TooDeep(PathBuf),
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
    Ok(read_dir_located(dir)?.into_iter().map(|(f, _)| f).collect())
}

/// [`read_dir`], and where each file is on disk: what `check` needs to read a file
/// again ([`OnDisk::read_again`]) once the loader has let its text go.
///
/// # Errors
/// As [`read_dir`].
pub fn read_dir_to_read_again(dir: &Path) -> Result<(Vec<SourceFile>, OnDisk), SourceError> {
    let (files, paths): (Vec<SourceFile>, Vec<PathBuf>) =
        read_dir_located(dir)?.into_iter().unzip();
    let on_disk = files.iter().map(|f| f.path.clone()).zip(paths).collect();
    Ok((files, OnDisk(on_disk)))
}

/// Where the files [`read_dir_to_read_again`] read are on disk, by the names it gave
/// them.
pub struct OnDisk(std::collections::HashMap<String, PathBuf>);

impl OnDisk {
    /// The file named `shown` read again as it was read the first time (a regular
    /// file, within the same bound), or `None` when it is not one of them or no longer
    /// can be.
    #[must_use]
    pub fn read_again(&self, shown: &str) -> Option<Vec<u8>> {
        read_bounded(open_regular(self.0.get(shown)?).ok()?).ok()
    }
}

/// [`read_dir`], with each file's path on disk.
fn read_dir_located(dir: &Path) -> Result<Vec<(SourceFile, PathBuf)>, SourceError> {
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
        let f = open_regular(&p).map_err(|e| match e {
            Opened::NotRegular(kind) => SourceError::NotRegular {
                path: p.clone(),
                kind,
            },
            Opened::Io(source) => io(source),
        })?;
        let bytes = read_bounded(f).map_err(|source| SourceError::Io {
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
        files.push((
            SourceFile {
                path: display_path(dir, &path),
                bytes,
            },
            p,
        ));
    }
    Ok(files)
}

/// Reads again the files `paths` under `dir` that a watch reported changed, each as
/// [`read_dir`] reads it and named as it names it, so that a reload need not read the
/// whole directory. Only files `known` says are already the story's are opened (a new
/// file, or one outside the folder, is never read here). `None` when a path is not a
/// known `*.ron` under `dir`, or cannot be read as a regular file (removed, replaced
/// by a link): the caller then reads the whole directory with [`read_dir`].
#[must_use]
pub fn read_changed(
    dir: &Path,
    paths: &[PathBuf],
    known: impl Fn(&str) -> bool,
) -> Option<Vec<SourceFile>> {
    let mut files = Vec::with_capacity(paths.len());
    // A watch may report paths from the folder's canonical form (absolute, links
    // resolved) whatever form the folder was named in.
    let canonical = std::cell::OnceCell::new();
    for p in paths {
        let rel = p.strip_prefix(dir).ok().or_else(|| {
            let full = canonical.get_or_init(|| dir.canonicalize().ok());
            full.as_deref().and_then(|d| p.strip_prefix(d).ok())
        })?;
        if p.extension().is_none_or(|e| e != "ron") {
            return None;
        }
        let rel = rel
            .components()
            .map(|c| match c {
                std::path::Component::Normal(part) => Some(part.to_string_lossy()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?
            .join("/");
        let path = display_path(dir, &rel);
        if !known(&path) {
            return None;
        }
        let bytes = read_bounded(open_regular(p).ok()?).ok()?;
        files.push(SourceFile { path, bytes });
    }
    Some(files)
}

/// A file's bytes, at most one past the limit for one file (so the loader can tell it
/// is too large without this process swallowing it).
///
/// The buffer is sized from the file's length first: read into a growing buffer, a
/// file of 121 kB ends in one of 128 KiB, after copying itself at every doubling, and
/// the story's source is the largest thing `check` holds.
fn read_bounded(file: std::fs::File) -> std::io::Result<Vec<u8>> {
    let cap = limits::MAX_FILE_BYTES as u64 + 1;
    // One byte more than the length, so that reading to the end needs no second
    // allocation (a file that grew since is still read whole, up to the bound).
    let expected = file.metadata().map_or(0, |m| m.len()).min(cap);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0) + 1);
    file.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
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

/// Why a file was not opened.
enum Opened {
    NotRegular(&'static str),
    Io(std::io::Error),
}

/// Opens `path` for reading only if it is a regular file, without blocking on a FIFO
/// or following a link swapped in since it was listed.
fn open_regular(path: &Path) -> Result<std::fs::File, Opened> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = options.open(path).map_err(|e| {
        // O_NOFOLLOW on a link fails with ELOOP.
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return Opened::NotRegular("a symbolic link");
        }
        Opened::Io(e)
    })?;
    let kind = file.metadata().map_err(Opened::Io)?.file_type();
    if kind.is_file() {
        Ok(file)
    } else {
        Err(Opened::NotRegular(describe(kind)))
    }
}

/// What a file that is not a regular file is, for the error.
fn describe(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), SourceError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SourceError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        // The entry's own type: a link is a link, whatever it points at.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let is_ron = path.extension().is_some_and(|e| e == "ron");
        if kind.is_symlink() {
            // Only links that could hold story content matter; `stat` never opens.
            if is_ron || std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                return Err(SourceError::NotRegular {
                    path,
                    kind: "a symbolic link",
                });
            }
        } else if kind.is_dir() {
            if depth + 1 > limits::MAX_FOLDER_DEPTH {
                return Err(SourceError::TooDeep(path));
            }
            collect(&path, out, depth + 1)?;
        } else if is_ron {
            if !kind.is_file() {
                return Err(SourceError::NotRegular {
                    path,
                    kind: describe(kind),
                });
            }
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

/// The translations shipped with the game, embedded at build time by `build.rs`:
/// `(language, PO text)`, in language order.
#[must_use]
pub fn embedded_translations() -> &'static [(&'static str, &'static str)] {
    EMBEDDED_L10N
}

include!(concat!(env!("OUT_DIR"), "/embedded_story.rs"));
