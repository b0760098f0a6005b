//! Diagnostics: every problem the loader and linter find, located as `file:line:col`.
//!
//! Positions are found lazily. serde does not tell us where a value sat in the file, so
//! when (and only when) something must be reported, the
//! [`Locator`](super::scan::Locator) scans that file's string literals and finds the one
//! the problem is about. A clean story never pays for this.

use std::fmt;
use std::ops::Range;

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
    /// The source line, to quote under the message.
    pub source_line: Option<String>,
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
            message: message.into(),
            file: String::new(),
            line: 0,
            col: 0,
            source_line: None,
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
        self.source_line = src
            .and_then(|s| s.lines().nth(line.saturating_sub(1)))
            .map(str::to_owned);
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
            // Tabs would misalign the caret; show them as one space each.
            let shown: String = line
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            writeln!(out, "{pad} |")?;
            writeln!(out, "{num} | {shown}")?;
            writeln!(out, "{pad} | {}^", " ".repeat(self.col.saturating_sub(1)))?;
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
