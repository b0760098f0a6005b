//! Pass 2, parse: each file's text becomes a [`RawFile`], or a located RON error.
//!
//! serde stops at a file's first syntax error; the other files are parsed regardless.
//! The names a broken file declares are read off its text by the scanner (see
//! [`Salvage`](super::context::Salvage)), so that references into it are not
//! reported as unresolved.

use super::super::diag::Diagnostic;
use super::super::expr;
use super::super::raw::{self, RawFile};
use super::super::scan::{self, Locator};
use super::context::Ctx;

/// Parses every file that was read, in file order: `(file index, contents)`.
pub fn parse(cx: &mut Ctx<'_>) -> Vec<(usize, RawFile)> {
    let mut out = Vec::new();
    for i in 0..cx.files.len() {
        let Some(text) = cx.sources.text(i) else {
            if cx.sources.has_text(i) {
                // Let go by an early compile that gave up, then changed before it could
                // be read again (reported as E0007): what it declares is unknowable.
                cx.unloaded += 1;
                cx.opaque = true;
            }
            continue;
        };
        match raw::ron_options().from_str::<RawFile>(text) {
            Ok(mut file) => {
                file.shrink();
                out.push((i, file));
                // The parse holds what the passes need: a file the loader owns is let
                // go (and read again only if a diagnostic points into it).
                cx.sources.release(i);
            }
            Err(e) => {
                let d = ron_diagnostic(&e, text);
                let loc = Locator::new(text);
                let at = ron_error_offset(&e, text);
                let path = cx.path(i).to_owned();
                let d = d.at_offset(&path, &loc, at);
                // Past the end of the file there is nothing to underline.
                let d = if at < text.len() {
                    d.with_span(at..loc.token_end(at))
                } else {
                    d
                };
                cx.diags.push(d);
                cx.unloaded += 1;
                cx.salvage.read(text);
            }
        }
    }
    out
}

/// RON's messages start with a capital; ours continue a sentence.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// The byte offset a RON error should point at: the offending token.
///
/// RON reports some errors at the blank before the token (after `key:`), and a missing
/// field at the struct's closing `)`; both are moved to what the author must look at.
fn ron_error_offset(e: &ron::error::SpannedError, text: &str) -> usize {
    let at = byte_offset(text, e.span.start.line, e.span.start.col);
    if let ron::Error::MissingStructField { .. } = e.code
        && let Some(start) = scan::struct_start(text, at)
    {
        return start;
    }
    let rest = &text[at..];
    let skipped = rest.len() - rest.trim_start().len();
    if skipped > 0 && !rest.trim_start().is_empty() {
        at + skipped
    } else {
        at
    }
}

/// The byte offset of a 1-based line and character column (clamped to the text).
fn byte_offset(text: &str, line: usize, col: usize) -> usize {
    let line_start = text
        .match_indices('\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    if line <= 1 {
        return text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i);
    }
    if line_start == 0 {
        return text.len();
    }
    text[line_start..]
        .char_indices()
        .take_while(|&(_, c)| c != '\n')
        .nth(col.saturating_sub(1))
        .map_or_else(
            || {
                text[line_start..]
                    .find('\n')
                    .map_or(text.len(), |n| line_start + n)
            },
            |(i, _)| line_start + i,
        )
}

fn ron_diagnostic(e: &ron::error::SpannedError, text: &str) -> Diagnostic {
    use ron::Error as R;
    // Truncated: nothing but blanks and comments follows the error, a string never
    // closes (RON strings may span lines, so it swallows the rest of the file), or the
    // error is on the last line and brackets are still open there.
    let unclosed = scan::unclosed_brackets(text);
    let at_end = {
        let rest = &text[byte_offset(text, e.span.start.line, e.span.start.col)..];
        let last_line = e.span.start.line >= text.lines().count();
        matches!(e.code, R::Eof | R::ExpectedStringEnd)
            || scan::is_blank(rest)
            || (last_line && unclosed > 0)
    };
    match &e.code {
        R::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let in_what = outer
                .as_deref()
                .map_or(String::new(), |o| format!(" in `{o}`"));
            let d = Diagnostic::error("E0010", format!("unknown field `{found}`{in_what}"));
            match expr::closest(found, expected.iter().copied()) {
                Some(best) => d.with_hint(format!(
                    "did you mean `{best}`? (fields: {})",
                    expected.join(", ")
                )),
                None => d.with_hint(format!("the fields here are: {}", expected.join(", "))),
            }
        }
        R::MissingStructField { field, outer } => {
            let in_what = outer
                .as_deref()
                .map_or(String::new(), |o| format!(" in `{o}`"));
            Diagnostic::error("E0011", format!("missing field `{field}`{in_what}"))
                .with_hint(format!("add `{field}: ...`; see docs/format.md"))
        }
        R::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let in_what = match outer.as_deref() {
                Some("RawFile") => " at the top of the file".to_owned(),
                Some(o) => format!(" in `{o}`"),
                None => String::new(),
            };
            let d = Diagnostic::error("E0012", format!("unknown item `{found}`{in_what}"));
            match expr::closest(found, expected.iter().copied()) {
                Some(best) => d.with_hint(format!(
                    "did you mean `{best}`? (expected one of: {})",
                    expected.join(", ")
                )),
                None => d.with_hint(format!("expected one of: {}", expected.join(", "))),
            }
        }
        R::ExpectedStringEnd => Diagnostic::error(
            "E0013",
            "the file ends inside this string: its closing `\"` is missing",
        )
        .with_hint("close the string; if the file was cut short, restore the rest"),
        _ if at_end => Diagnostic::error(
            "E0013",
            format!("the file ends too early: {}", lower_first(&e.code.to_string())),
        )
        .with_hint("the file looks truncated: check for a missing `)`, `]` or closing quote"),
        R::ExpectedComma => Diagnostic::error("E0014", "RON syntax error: expected a comma")
            .with_hint("a `,` is probably missing at the end of the previous field or item"),
        other if unclosed > 0 => Diagnostic::error(
            "E0014",
            format!("RON syntax error: {}", lower_first(&other.to_string())),
        )
        .with_hint("a `(` or `[` in this file is never closed: look for a missing `)` or `]` before this point"),
        other => Diagnostic::error(
            "E0014",
            format!("RON syntax error: {}", lower_first(&other.to_string())),
        )
            .with_hint("see docs/format.md for the file format"),
    }
}
