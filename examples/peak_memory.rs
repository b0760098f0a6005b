//! Peak memory of `check` (issue 16): reads a story directory and loads it with every
//! lint, exactly as `butterfly check` does, then prints the process's peak resident
//! memory (`VmHWM` from `/proc/self/status`, Linux only) beside the story's source
//! bytes. Not a timed test: run it by hand on a story written by `examples/synth.rs`:
//!
//! ```sh
//! cargo run --release --example synth -- --scenes 100000 --out /tmp/synth100k
//! cargo run --release --example peak_memory -- /tmp/synth100k
//! ```

use std::process::ExitCode;

/// `VmHWM` (peak resident set) in bytes, when the kernel reports it.
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: peak_memory STORY_DIR");
        return ExitCode::from(2);
    };
    let before = peak_resident_bytes();
    let (files, on_disk) =
        match butterfly::source::read_dir_to_read_again(std::path::Path::new(&dir)) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("peak_memory: {e}");
                return ExitCode::from(2);
            }
        };
    let source: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
    // As `check` does: the loader owns the files, lets each file's text go once it is
    // parsed, and reads one again only for a diagnostic that points into it.
    let (loaded, files) = butterfly::story::load_owned(files, |path| on_disk.read_again(path));
    let scenes = loaded.stats.scenes;
    let diagnostics = loaded.diagnostics.len();
    drop(loaded);
    drop(files);
    let Some(peak) = peak_resident_bytes() else {
        eprintln!("peak_memory: /proc/self/status has no VmHWM (not Linux?)");
        return ExitCode::from(2);
    };
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "{scenes} scenes, {diagnostics} diagnostics; source {:.1} MB; peak resident {:.1} MB \
         ({:.2}× source; {:.1} MB before reading)",
        mb(source),
        mb(peak),
        peak as f64 / source as f64,
        before.map_or(0.0, mb),
    );
    ExitCode::SUCCESS
}
