//! Runs Graphviz's `dot` to turn the story map into SVG, for `graph --svg`.
//!
//! Authors asked for a picture, not a pipeline: `graph --svg map.svg` runs `dot` itself
//! when it is installed. It is run as a program, never through a shell (no argument is
//! ever interpreted), with the DOT source on its standard input, for a bounded time;
//! its standard error is kept (bounded) to report a failure. The SVG is written to the
//! output file only when `dot` succeeds, through a temporary file renamed into place,
//! so a failed or killed run never leaves a half-written picture.

use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Bytes of `dot`'s standard error kept for the report.
const STDERR_KEPT: usize = 16 * 1024;

/// What to tell an author who has no Graphviz.
pub const INSTALL_HINT: &str = "Graphviz's `dot` is not installed (or not on the PATH). \
Install Graphviz (Debian or Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`; \
Windows: `winget install graphviz`), or run `butterfly graph` without `--svg`: it prints the \
DOT source, which any Graphviz viewer or `dot -Tsvg` draws.";

/// Why no SVG was written.
#[derive(Debug, thiserror::Error)]
pub enum SvgError {
    /// There is no `dot` on the PATH.
    #[error("{INSTALL_HINT}")]
    NotInstalled,
    /// `dot` could not be started, or its output not written.
    #[error("{0}")]
    Io(String),
    /// `dot` ran and failed.
    #[error("`dot` failed ({status}){}", if .stderr.is_empty() { String::new() } else { format!(":\n{}", .stderr) })]
    Failed {
        /// Its exit status.
        status: String,
        /// What it wrote to standard error (at most 16 KiB of it).
        stderr: String,
    },
    /// `dot` ran longer than allowed and was stopped.
    #[error("`dot` did not finish within {0} s and was stopped")]
    TimedOut(u64),
}

/// Runs `program` (normally `dot`, found on the PATH) as `program -Tsvg` with `source`
/// on its standard input, and writes what it prints to `out`.
///
/// # Errors
/// See [`SvgError`]; `out` is left as it was on every error.
pub fn write_svg(
    program: &OsStr,
    source: &str,
    out: &Path,
    timeout: Duration,
) -> Result<(), SvgError> {
    let mut child = match Command::new(program)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(SvgError::NotInstalled),
        Err(e) => {
            return Err(SvgError::Io(format!(
                "cannot run `{}`: {e}",
                program.to_string_lossy()
            )));
        }
    };
    let (Some(mut stdin), Some(mut stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(SvgError::Io("cannot talk to `dot`".to_owned()));
    };
    // Three pipes at once: feed, drain and collect on threads of their own, so that
    // neither side waits on a full pipe while the clock runs.
    let source = source.to_owned();
    thread::spawn(move || {
        // A `dot` that exits early closes the pipe: its status says why.
        let _ = stdin.write_all(source.as_bytes());
    });
    let (svg_tx, svg_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut svg = Vec::new();
        let _ = svg_tx.send(stdout.read_to_end(&mut svg).map(|_| svg));
    });
    let (err_tx, err_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = Vec::new();
        let _ = stderr.take(STDERR_KEPT as u64).read_to_end(&mut kept);
        let _ = err_tx.send(kept);
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SvgError::TimedOut(timeout.as_secs()));
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(SvgError::Io(format!("waiting for `dot`: {e}"))),
        }
    };
    // It has exited; its pipes close unless it left a child holding them, so wait
    // for them only as long as the time left.
    let left = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(1);
    let stderr = err_rx.recv_timeout(left).unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr).trim_end().to_owned();
    if !status.success() {
        return Err(SvgError::Failed {
            status: status.to_string(),
            stderr,
        });
    }
    let svg = match svg_rx.recv_timeout(left) {
        Ok(Ok(svg)) => svg,
        Ok(Err(e)) => return Err(SvgError::Io(format!("reading `dot`'s output: {e}"))),
        Err(_) => return Err(SvgError::TimedOut(timeout.as_secs())),
    };
    if svg.is_empty() {
        return Err(SvgError::Failed {
            status: "it printed nothing".to_owned(),
            stderr,
        });
    }
    write_atomically(out, &svg)
        .map_err(|e| SvgError::Io(format!("cannot write {}: {e}", out.display())))
}

/// Writes `bytes` to a temporary file beside `out`, then renames it over `out`.
fn write_atomically(out: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = out
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
