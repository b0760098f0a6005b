//! Pass 1, read: each file's bytes become text, within the bounds of [`Limits`].
//!
//! A file too large, not UTF-8 or empty is reported and left out; the others go on.
//! Only the story-wide byte limit stops everything (files past it are not read).
//!
//! [`Limits`]: super::super::files::limits::Limits

use super::super::diag::Diagnostic;
use super::super::scan;
use super::context::Ctx;

/// What the read pass decided.
pub enum Read {
    /// Go on: `cx.texts` holds every readable file.
    Go,
    /// Stop: the story as a whole is out of bounds, or has no files.
    Stop,
}

/// Checks the number of files, then reads each one into `cx.texts`.
pub fn read(cx: &mut Ctx<'_>) -> Read {
    if cx.files.len() > cx.limits.files {
        // Point at the first file past the limit: that is where the author looks.
        let first_extra = &cx.files[cx.limits.files].path;
        cx.diags.push(
            Diagnostic::error(
                "E0001",
                format!(
                    "the story has more than {} files; no more are accepted",
                    cx.limits.files
                ),
            )
            .with_hint("merge small chapter files into larger ones")
            .at(first_extra, None, 1, 1),
        );
        return Read::Stop;
    }
    if cx.files.is_empty() {
        cx.diags.push(
            Diagnostic::error("E0002", "no story files (*.ron) found").with_hint(
                "a story is a directory holding a `Story(...)` header file and chapter files",
            ),
        );
        return Read::Stop;
    }
    let mut total = 0usize;
    for (i, f) in cx.files.iter().enumerate() {
        total = total.saturating_add(f.bytes.len());
        if total > cx.limits.total_bytes {
            cx.diags.push(
                Diagnostic::error(
                    "E0006",
                    format!(
                        "the story's files add up to more than {} bytes, the limit for a whole story",
                        cx.limits.total_bytes
                    ),
                )
                .with_hint("this is the first file past the limit; no further files were read")
                .at(&f.path, None, 1, 1),
            );
            // Files were left unread: anything said about the rest would be noise.
            return Read::Stop;
        }
        if f.bytes.len() > cx.limits.file_bytes {
            cx.diags.push(
                // Only the limit is named: the reader stops one byte past it,
                // so the true size is not known.
                Diagnostic::error(
                    "E0003",
                    format!(
                        "file is larger than {} bytes, the limit for one story file",
                        cx.limits.file_bytes
                    ),
                )
                .with_hint("split it into several chapter files")
                .at(&f.path, None, 1, 1),
            );
            // Too large to scan for the names it declares.
            cx.unloaded += 1;
            cx.opaque = true;
            continue;
        }
        let text = match std::str::from_utf8(&f.bytes) {
            Ok(t) => t,
            Err(e) => {
                let good = &f.bytes[..e.valid_up_to()];
                let line = good.split(|&b| b == b'\n').count();
                let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
                // Quote the line, the bad bytes shown as U+FFFD.
                let lossy = String::from_utf8_lossy(&f.bytes[line_start..]);
                let quoted = lossy.lines().next().unwrap_or("");
                let d = Diagnostic::error("E0004", "file is not valid UTF-8")
                    .with_hint("save the file as UTF-8 text")
                    .at(&f.path, None, line, col)
                    .quoting(quoted, col);
                cx.diags.push(d);
                cx.unloaded += 1;
                cx.salvage.read(&String::from_utf8_lossy(&f.bytes));
                continue;
            }
        };
        cx.texts[i] = Some(text);
        if scan::is_blank(text) {
            cx.diags.push(
                Diagnostic::error("E0005", "file is empty")
                    .with_hint("a story file holds `Story(...)` or `Chapter(...)`; delete the file if it is not needed")
                    .at(&f.path, Some(text), 1, 1),
            );
            // Known to be blank: nothing to parse.
            cx.texts[i] = None;
        }
    }
    Read::Go
}
