//! Diagnostics as an author reads them: the engine's [`Diagnostic`] values drawn with
//! the source line, the whole token underlined, secondary places ("first defined here")
//! as snippets of their own, and the hint.
//!
//! The engine only *produces* diagnostics (file, byte span, code, message, hint,
//! labels); drawing them is a front-end concern, done here by `annotate-snippets` (the
//! renderer rustc uses), which measures wide characters and tabs in terminal cells.
//! The first line stays `path:line:col: severity: message [code]`, which editors and
//! scripts parse. Colour only on a terminal, and never when `NO_COLOR` is set.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::sanitize::for_terminal;
use crate::story::scan::quote_window;
use crate::story::{Diagnostic, Label, Severity};

/// Whether to colour output going to a stream: only a terminal, and only when the
/// `NO_COLOR` convention (<https://no-color.org>) does not ask otherwise.
#[must_use]
pub fn use_color(is_terminal: bool) -> bool {
    color_wanted(is_terminal, std::env::var_os("NO_COLOR").as_deref())
}

/// [`use_color`] given the value of `NO_COLOR`: set and not empty turns colour off.
fn color_wanted(is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_terminal && no_color.is_none_or(std::ffi::OsStr::is_empty)
}

/// Draws one diagnostic. `source` gives a file's text by its path (as in
/// [`Diagnostic::file`]), when it is known and is UTF-8.
#[must_use]
pub fn render<'s>(d: &Diagnostic, source: &dyn Fn(&str) -> Option<&'s str>, color: bool) -> String {
    let (sev, style) = match d.severity {
        Severity::Error => ("error", "\x1b[1;91m"),
        Severity::Warning => ("warning", "\x1b[1;93m"),
    };
    let sev = if color {
        format!("{style}{sev}\x1b[0m")
    } else {
        sev.to_owned()
    };
    let mut out = format!(
        "{}: {sev}: {} [{}]\n",
        for_terminal(&d.location()),
        for_terminal(&d.message),
        d.code
    );
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_level(level.clone());
    let mut any = false;
    if let Some(snippet) = primary(d, source) {
        group = group.element(snippet);
        any = true;
    }
    for l in &d.labels {
        if let Some(snippet) = secondary(l, source) {
            group = group.element(snippet);
            any = true;
        }
    }
    if !any {
        // Nothing to quote (a story-wide problem, a file too large to read): the hint
        // alone, indented as under a snippet.
        if let Some(h) = &d.hint {
            let _ = writeln!(out, "  = hint: {}", for_terminal(h));
        }
        return out;
    }
    if let Some(h) = &d.hint {
        group = group.element(Level::HELP.with_name(Some("hint")).message(for_terminal(h)));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let _ = writeln!(out, "{}", renderer.render(&[group]));
    out
}

/// The problem's own place: its token underlined, without a path (the first line has
/// it).
fn primary<'s>(
    d: &Diagnostic,
    source: &dyn Fn(&str) -> Option<&'s str>,
) -> Option<Snippet<'static, annotate_snippets::Annotation<'static>>> {
    if let (Some(span), Some(text)) = (&d.span, source(&d.file)) {
        let (lines, first_line, span) = excerpt(text, span, d.line)?;
        return Some(
            Snippet::source(lines)
                .line_start(first_line)
                .annotation(AnnotationKind::Primary.span(span)),
        );
    }
    // A file that is not text (E0004): the quoted window of its line (bounded by the
    // diagnostic itself), a caret at its column in that window.
    let line = d.source_line.as_deref()?;
    if d.line == 0 {
        return None;
    }
    let line = neutralise(line);
    let at = line
        .char_indices()
        .nth(d.quote_col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let end = line[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    Some(
        Snippet::source(line)
            .line_start(d.line)
            .annotation(AnnotationKind::Primary.span(at..end)),
    )
}

/// A secondary place, with its path (it may be in another file) and its message.
fn secondary<'s>(
    l: &Label,
    source: &dyn Fn(&str) -> Option<&'s str>,
) -> Option<Snippet<'static, annotate_snippets::Annotation<'static>>> {
    let (lines, first_line, span) = excerpt(source(&l.file)?, &l.span, l.line)?;
    Some(
        Snippet::source(lines)
            .line_start(first_line)
            .path(for_terminal(&l.file))
            .annotation(
                AnnotationKind::Context
                    .span(span)
                    .label(for_terminal(&l.message)),
            ),
    )
}

/// The window of the line(s) holding `span` that a diagnostic quotes (the engine's one
/// rule, [`quote_window`]: a minified story file may hold megabytes on one line), with
/// `…` where the line was cut, the number of its line (`line` when known: counting
/// would cost the whole file before it, for every diagnostic), and the span relative
/// to it, cut to the window; `None` when the span is not in `text`.
fn excerpt(text: &str, span: &Range<usize>, line: usize) -> Option<(String, usize, Range<usize>)> {
    if span.start > text.len() || span.end > text.len() || span.start > span.end {
        return None;
    }
    let w = quote_window(text, span.clone());
    let line = if line > 0 {
        line
    } else {
        text[..w.range.start].matches('\n').count() + 1
    };
    let mut quoted = String::with_capacity(w.range.len() + 6);
    if w.cut_before {
        quoted.push('…');
    }
    let shift = quoted.len();
    quoted.push_str(&neutralise(&text[w.range.clone()]));
    if w.cut_after {
        quoted.push('…');
    }
    // The window starts and ends on character boundaries; so must the span in it.
    let inside = |mut i: usize| {
        i = i.clamp(w.range.start, w.range.end);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i - w.range.start + shift
    };
    let (start, end) = (inside(span.start), inside(span.end));
    Some((quoted, line, start..end))
}

/// Makes quoted source safe for a terminal without moving any byte: each control or
/// bidirectional-override character becomes a visible one of the same UTF-8 length,
/// so spans still point at the same bytes. Newlines and tabs stay (the renderer lays
/// tabs out itself).
fn neutralise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            c if c.is_control() => match c.len_utf8() {
                1 => '?',
                _ => '\u{BF}',
            },
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(src: &str, token: &str) -> Diagnostic {
        let at = src.find(token).unwrap();
        let line = src[..at].matches('\n').count() + 1;
        let col = src[..at]
            .rfind('\n')
            .map_or(&src[..at], |i| &src[i + 1..at])
            .chars()
            .count()
            + 1;
        Diagnostic::error("E0301", "`goto` leads to scene `hal`, which does not exist")
            .with_hint("did you mean `hall`?")
            .at("ch.ron", Some(src), line, col)
            .with_span(at..at + token.len())
    }

    fn plain(d: &Diagnostic, src: &str) -> String {
        render(d, &|_| Some(src), false)
    }

    #[test]
    fn the_caret_spans_the_token_in_terminal_cells_after_wide_text_and_tabs() {
        let src = "Chapter(\n\tScene(text: [\"漢字漢字\"], next: \"hal\"),\n)";
        let out = plain(&diag(src, "\"hal\""), src);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "ch.ron:2:30: error: `goto` leads to scene `hal`, which does not exist [E0301]"
        );
        let quoted = lines.iter().find(|l| l.starts_with("2 |")).unwrap();
        let carets = lines.iter().find(|l| l.contains('^')).unwrap();
        // The carets sit under the token as a terminal draws it: each CJK character is
        // two cells, the tab is laid out as spaces by the renderer.
        let cells = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let token_at = quoted.find("\"hal\"").unwrap();
        assert_eq!(
            cells(&carets[..carets.find('^').unwrap()]),
            cells(&quoted[..token_at])
        );
        assert_eq!(carets.matches('^').count(), 5, "{out}");
        assert!(out.contains("  = hint: did you mean `hall`?"), "{out}");
    }

    #[test]
    fn a_secondary_label_is_its_own_snippet_with_its_path() {
        let src = "Scene(id: \"hall\"),\nScene(id: \"hall\"),\n";
        let second = src.rfind("\"hall\"").unwrap();
        let d = Diagnostic::error("E0108", "scene `hall` is defined twice")
            .at("b.ron", Some(src), 2, 11)
            .with_span(second..second + 6)
            .with_label(Label {
                file: "a.ron".into(),
                line: 1,
                col: 11,
                span: 10..16,
                message: "first defined here".into(),
            });
        let out = plain(&d, src);
        assert!(out.contains(" ::: a.ron:1:11"), "{out}");
        assert!(out.contains("------ first defined here"), "{out}");
        assert!(out.contains("^^^^^^"), "{out}");
    }

    #[test]
    fn colour_only_when_asked_and_escapes_never_reach_the_terminal() {
        let src = "Scene(id: \"a\u{1b}]52;c;x\u{7}\", next: \"hal\")";
        let d = diag(src, "\"hal\"");
        let out = plain(&d, src);
        assert!(!out.contains('\u{1b}'), "{out:?}");
        let coloured = render(&d, &|_| Some(src), true);
        assert!(coloured.contains("\u{1b}["), "{coloured:?}");
        assert!(
            !coloured.contains("\u{1b}]"),
            "no OSC from the file: {coloured:?}"
        );
    }

    #[test]
    fn colour_is_for_terminals_without_no_color() {
        use std::ffi::OsStr;
        assert!(color_wanted(true, None));
        assert!(
            color_wanted(true, Some(OsStr::new(""))),
            "an empty NO_COLOR is unset"
        );
        assert!(!color_wanted(true, Some(OsStr::new("1"))));
        assert!(!color_wanted(false, None), "never into a pipe or a file");
    }

    #[test]
    fn a_quoted_line_is_bounded() {
        let src = format!(
            "Chapter(text: [\"{}\"], next: \"hal\")",
            "x".repeat(1_000_000)
        );
        let out = plain(&diag(&src, "\"hal\""), &src);
        assert!(out.len() < 2_000, "{} bytes", out.len());
    }
}
