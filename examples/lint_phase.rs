//! The whole-story lints alone, for cache and instruction counts (issue 16; see
//! docs/performance.md): `perf stat -e instructions,cache-misses
//! target/release/examples/lint_phase DIR N` loads the story in DIR once without lints,
//! then runs `lint::lint` on it N times (N = 0: the load alone, to subtract). Unlike the
//! criterion benchmark's wall time on a shared machine, these counts repeat.

use std::hint::black_box;
use std::process::ExitCode;

use butterfly::story;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, runs] = args.as_slice() else {
        eprintln!("usage: lint_phase DIR N");
        return ExitCode::from(2);
    };
    let Ok(runs) = runs.parse::<usize>() else {
        eprintln!("lint_phase: N must be a number, not `{runs}`");
        return ExitCode::from(2);
    };
    let files = match butterfly::source::read_dir(std::path::Path::new(dir)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("lint_phase: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(loaded) = story::load_unlinted(&files).story else {
        eprintln!("lint_phase: the story in {dir} does not load");
        return ExitCode::from(1);
    };
    for _ in 0..runs {
        black_box(story::lint::lint(&loaded).len());
    }
    // Freeing a large story is not part of the measurement.
    std::mem::forget(loaded);
    std::mem::forget(files);
    ExitCode::SUCCESS
}
