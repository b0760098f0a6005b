//! The one safe printer: every byte a command writes to stdout or stderr for a person
//! to read goes through [`Safe`], which passes it through
//! [`for_terminal`].
//!
//! Story, save and profile text is untrusted. Neutralising each string where it is
//! formatted was tried, and missed some (ending titles in `stats` and `explore`,
//! U+202E in `graph`); neutralising at the one place output leaves the process cannot
//! miss any. Front ends that draw with escape sequences of their own (the terminal
//! interface) neutralise the text they draw instead, with the same function.

use std::io::{self, Write};

use crate::sanitize::for_terminal;

/// A writer that neutralises control characters and bidirectional overrides in
/// everything written through it, keeping newlines.
///
/// Input is UTF-8 text: a character split across two writes is held until its end
/// arrives; bytes that are not UTF-8 are written as U+FFFD.
#[derive(Debug)]
pub struct Safe<W: Write> {
    inner: W,
    /// The start of a character whose remaining bytes have not been written yet.
    carry: Vec<u8>,
}

impl<W: Write> Safe<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            carry: Vec::new(),
        }
    }
}

impl<W: Write> Write for Safe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let bytes = if self.carry.is_empty() {
            buf
        } else {
            let mut b = std::mem::take(&mut self.carry);
            b.extend_from_slice(buf);
            joined = b;
            &joined
        };
        let mut rest = bytes;
        let mut text = String::new();
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    text.push_str(s);
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // Valid up to there by construction.
                    text.push_str(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        Some(n) => {
                            text.push('\u{FFFD}');
                            rest = &bad[n..];
                        }
                        None => {
                            // An incomplete character at the end: wait for the rest.
                            self.carry = bad.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        self.inner.write_all(for_terminal(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for Safe<W> {
    fn drop(&mut self) {
        if !self.carry.is_empty() {
            let _ = self.inner.write_all("\u{FFFD}".as_bytes());
        }
        let _ = self.inner.flush();
    }
}

/// Standard output, neutralised.
#[must_use]
pub fn stdout() -> Safe<io::StdoutLock<'static>> {
    Safe::new(io::stdout().lock())
}

/// Writes one line to standard error, neutralised. Use instead of `eprintln!` for
/// anything that may hold story, save or profile text.
pub fn warn(line: impl std::fmt::Display) {
    let _ = writeln!(Safe::new(io::stderr().lock()), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_across_writes_and_split_characters() {
        let mut out = Vec::new();
        {
            let mut w = Safe::new(&mut out);
            let rlo = "\u{202E}".as_bytes();
            w.write_all(b"a\x1b]0;title\x07").unwrap();
            // U+202E split between two writes must still be recognised and dropped.
            w.write_all(&rlo[..1]).unwrap();
            w.write_all(&rlo[1..]).unwrap();
            w.write_all("\u{9b}2Jb\n".as_bytes()).unwrap();
            w.write_all(b"\xff").unwrap();
            w.write_all(b"\xffc").unwrap();
        }
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "a\u{FFFD}]0;title\u{FFFD}\u{FFFD}2Jb\n\u{FFFD}\u{FFFD}c");
    }
}
