//! Diagnostics: every problem the loader and linter find, located as `file:line:col`.
//!
//! Positions are found lazily. serde does not tell us where a value sat in the file, so
//! when (and only when) something must be reported, the
//! [`Locator`] scans that file's string literals and finds the one
//! the problem is about. A clean story never pays for this.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use super::scan::{Locator, quote_around};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The story cannot be played as written.
    Error,
    /// The story plays, but something is probably a mistake.
    Warning,
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code, e.g. `E0103`, for tests and documentation.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The file, relative to the story directory (empty for story-wide problems).
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column, in characters (0 when unknown).
    pub col: usize,
    /// The source line, to quote under the message: at most
    /// [`QUOTE_COLUMNS`](crate::limits::QUOTE_COLUMNS) characters of it around the
    /// column, with `…` where it was cut.
    pub source_line: Option<String>,
    /// 1-based column of the caret under [`source_line`](Self::source_line) (the
    /// column in the quoted window, not in the file).
    pub quote_col: usize,
    /// How to fix it.
    pub hint: Option<String>,
    /// The bytes of the file the problem is about (the whole token), when known: what
    /// a renderer underlines. `line` and `col` are where it starts.
    pub span: Option<Range<usize>>,
    /// Other places that explain this one, e.g. "first defined here".
    pub labels: Vec<Label>,
}

/// A secondary place a diagnostic points at, with a short message of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The file, as in [`Diagnostic::file`].
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// The bytes of the file it is about.
    pub span: Range<usize>,
    /// What it is: "first defined here".
    pub message: String,
}

impl Diagnostic {
    /// A new diagnostic with no location yet.
    #[must_use]
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            message: clip(message.into(), crate::limits::MESSAGE_CHARS),
            file: String::new(),
            line: 0,
            col: 0,
            source_line: None,
            quote_col: 0,
            hint: None,
            span: None,
            labels: Vec::new(),
        }
    }

    /// Shorthand for an error.
    #[must_use]
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// Shorthand for a warning.
    #[must_use]
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Records the bytes of the file it is about.
    #[must_use]
    pub fn with_span(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    /// Adds a secondary place.
    #[must_use]
    pub fn with_label(mut self, label: Label) -> Self {
        self.labels.push(label);
        self
    }

    /// Places it in a file at a line and column, quoting the line.
    #[must_use]
    pub fn at(mut self, file: &str, src: Option<&str>, line: usize, col: usize) -> Self {
        file.clone_into(&mut self.file);
        self.line = line;
        self.col = col;
        match src.and_then(|s| s.lines().nth(line.saturating_sub(1))) {
            Some(text) => self.quoting(text, col),
            None => self,
        }
    }

    /// Places it at byte `offset` of the file `loc` scans, quoting a window of the line
    /// around it. Costs the window, not the line or the file, so many diagnostics on
    /// one long line stay linear.
    #[must_use]
    pub fn at_offset(mut self, file: &str, loc: &Locator<'_>, offset: usize) -> Self {
        let (line, col) = loc.line_col(offset);
        file.clone_into(&mut self.file);
        self.line = line;
        self.col = col;
        let (text, caret) = loc.quote(offset);
        self.source_line = Some(text);
        self.quote_col = caret;
        self
    }

    /// Quotes a window of `line_text` around its 1-based character column `col`.
    #[must_use]
    pub fn quoting(mut self, line_text: &str, col: usize) -> Self {
        let at = line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        let (text, caret) = quote_around(line_text, at);
        self.source_line = Some(text);
        self.quote_col = caret;
        self
    }

    /// `file:line:col` (as much of it as is known).
    #[must_use]
    pub fn location(&self) -> String {
        match (self.file.is_empty(), self.line) {
            (true, _) => "story".to_owned(),
            (false, 0) => self.file.clone(),
            (false, _) => format!("{}:{}:{}", self.file, self.line, self.col),
        }
    }

    /// Whether this is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Everything below may quote the story file (an id, a path, the source line):
        // the loader made each field terminal-safe when it made the diagnostic's list.
        let mut out = String::new();
        writeln!(
            out,
            "{}: {sev}: {} [{}]",
            self.location(),
            self.message,
            self.code
        )?;
        if let Some(line) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(out, "{pad} |")?;
            writeln!(out, "{num} | {line}")?;
            writeln!(
                out,
                "{pad} | {}^",
                " ".repeat(self.quote_col.saturating_sub(1))
            )?;
        }
        for l in &self.labels {
            writeln!(
                out,
                "  = note: {}: {}:{}:{}",
                l.message, l.file, l.line, l.col
            )?;
        }
        if let Some(h) = &self.hint {
            writeln!(out, "  = hint: {h}")?;
        }
        f.write_str(&out)
    }
}

/// Diagnostics to print, at most `per_code` of each code (the first ones, in the order
/// given), and for each code cut short a line saying how many more there were.
///
/// A story with 100,000 unused variables gets 50 warnings and
/// `… and 99,950 more [W0404]`, not a report longer than the story.
#[must_use]
pub fn capped(diags: &[Diagnostic], per_code: usize) -> (Vec<&Diagnostic>, Vec<String>) {
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let mut shown = Vec::new();
    let mut order = Vec::new();
    for d in diags {
        let n = seen.entry(d.code).or_insert(0);
        *n += 1;
        if *n <= per_code {
            shown.push(d);
        } else if *n == per_code + 1 {
            order.push(d);
        }
    }
    let more = order
        .into_iter()
        .map(|d| {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let n = seen[d.code] - per_code;
            format!(
                "… and {n} more {kind}{} of this kind [{}]",
                if n == 1 { "" } else { "s" },
                d.code
            )
        })
        .collect();
    (shown, more)
}

/// `text` cut to `max` characters, with `…` where it was cut.
fn clip(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => {
            let mut t = text[..cut].to_owned();
            t.push('…');
            t
        }
        None => text,
    }
}
