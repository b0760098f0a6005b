//! One phase of loading, alone, for instruction counts (issue 16; see
//! docs/performance.md): `valgrind --tool=callgrind target/release/examples/load_phase
//! DIR PHASE`, PHASE one of `read` (reading the files only), `floor` (`ron` parsing
//! into the raw types), `floor_kept` (the same, every parse kept rather than dropped,
//! as a load keeps what it compiles), `load` (a full load without lints, as the game
//! does), `check` (with every lint), `classic` (`load` in the classic order of passes,
//! every file parsed before any scene compiles: the file-by-file order's baseline),
//! `reload` (a load, then one edited paragraph reloaded). Subtract `read` from the
//! others. Unlike wall-clock time on a shared machine, instruction counts repeat: within
//! about 0.3% for the phases that load (906.8 and 909.3 M for `load` at 10k), since
//! the loader's two threads, which callgrind runs one at a time and counts both of,
//! share the parse differently from run to run.

use std::hint::black_box;
use std::process::ExitCode;

use butterfly::story::{self, Reloader, raw::RawFile};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, phase] = args.as_slice() else {
        eprintln!("usage: load_phase DIR read|floor|floor_kept|load|check|classic|reload");
        return ExitCode::from(2);
    };
    let files = match butterfly::source::read_dir(std::path::Path::new(dir)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("load_phase: {e}");
            return ExitCode::from(2);
        }
    };
    match phase.as_str() {
        "read" => {}
        "floor" => {
            for f in &files {
                let text = std::str::from_utf8(&f.bytes).expect("UTF-8");
                let raw: Result<RawFile, _> = story::raw::ron_options().from_str(text);
                black_box(raw.is_ok());
            }
        }
        "floor_kept" => {
            let raws: Vec<RawFile> = files
                .iter()
                .map(|f| {
                    let text = std::str::from_utf8(&f.bytes).expect("UTF-8");
                    story::raw::ron_options().from_str(text).expect("parses")
                })
                .collect();
            std::mem::forget(black_box(raws));
        }
        "load" => {
            std::mem::forget(black_box(story::load_unlinted(&files)));
        }
        "classic" => {
            std::mem::forget(black_box(story::load_classic(&files, false)));
        }
        "check" => {
            std::mem::forget(black_box(story::load(&files)));
        }
        "reload" => {
            let middle = files.len() / 2;
            let mut reloader = Reloader::new(files.clone(), false);
            let text = String::from_utf8_lossy(&files[middle].bytes).replacen(
                "text: [\n                \"",
                "text: [\n                \"Rain. ",
                1,
            );
            let how = reloader.edit(vec![(files[middle].path.clone(), text.into_bytes())]);
            println!("{how:?}");
        }
        other => {
            eprintln!("load_phase: unknown phase `{other}`");
            return ExitCode::from(2);
        }
    }
    // Freeing a large story is not part of any phase (the CLI does not free it either).
    std::mem::forget(files);
    ExitCode::SUCCESS
}
