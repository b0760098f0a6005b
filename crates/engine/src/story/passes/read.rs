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
    /// Go on: `cx.sources` holds every readable file as text.
    Go,
    /// Stop: the story as a whole is out of bounds, or has no files.
    Stop,
}

/// Checks the number of files, then makes each one text in `cx.sources`.
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
    for i in 0..cx.files.len() {
        let path = &cx.files[i].path;
        let len = cx.sources.bytes(i).len();
        total = total.saturating_add(len);
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
                .at(path, None, 1, 1),
            );
            // Files were left unread: anything said about the rest would be noise.
            return Read::Stop;
        }
        if len > cx.limits.file_bytes {
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
                .at(path, None, 1, 1),
            );
            // Too large to scan for the names it declares.
            cx.unloaded += 1;
            cx.opaque = true;
            continue;
        }
        if let Err(e) = cx.sources.make_text(i) {
            let bytes = cx.sources.bytes(i);
            let good = &bytes[..e.valid_up_to()];
            let line = good.split(|&b| b == b'\n').count();
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            // Quote the line, the bad bytes shown as U+FFFD.
            let lossy = String::from_utf8_lossy(&bytes[line_start..]);
            let quoted = lossy.lines().next().unwrap_or("");
            let d = Diagnostic::error("E0004", "file is not valid UTF-8")
                .with_hint("save the file as UTF-8 text")
                .at(path, None, line, col)
                .quoting(quoted, col);
            let whole = String::from_utf8_lossy(bytes).into_owned();
            cx.diags.push(d);
            cx.unloaded += 1;
            cx.salvage.read(&whole);
            continue;
        }
        let text = cx.sources.text(i).unwrap_or_default();
        if scan::is_blank(text) {
            let d = Diagnostic::error("E0005", "file is empty")
                .with_hint("a story file holds `Story(...)` or `Chapter(...)`; delete the file if it is not needed")
                .at(path, Some(text), 1, 1);
            cx.diags.push(d);
            // Known to be blank: nothing to parse.
            cx.sources.forget(i);
        }
    }
    Read::Go
}
