//! Writes a synthetic story for benchmarks: `cargo run --release --example synth -- --scenes N --out DIR`,
//! or a story large in one dimension only: `--shape choices|extends|endings|variables|tree|paragraphs --n N`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut scenes = 1000usize;
    let mut shape = None;
    let mut out = PathBuf::from("target/synth");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--scenes", Some(n)) => match n.parse() {
                Ok(n) => scenes = n,
                Err(_) => {
                    eprintln!("synth: --scenes takes a number");
                    return ExitCode::from(2);
                }
            },
            ("--out", Some(d)) => out = PathBuf::from(d),
            ("--shape", Some(s)) => {
                use butterfly::synth::Shape;
                shape = Some(match s.as_str() {
                    "choices" => Shape::ChoicesInOneScene,
                    "extends" => Shape::Extends,
                    "endings" => Shape::Endings,
                    "variables" => Shape::Variables,
                    "tree" => Shape::Tree,
                    "paragraphs" => Shape::Paragraphs,
                    _ => {
                        eprintln!("synth: unknown shape `{s}`");
                        return ExitCode::from(2);
                    }
                });
            }
            ("--n", Some(n)) => match n.parse() {
                Ok(n) => scenes = n,
                Err(_) => {
                    eprintln!("synth: --n takes a number");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("usage: synth [--scenes N | --shape SHAPE --n N] [--out DIR]");
                return ExitCode::from(2);
            }
        }
    }
    let files = match shape {
        Some(shape) => butterfly::synth::shaped(shape, scenes),
        None => butterfly::synth::generate(scenes),
    };
    let mut bytes = 0;
    for f in &files {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            eprintln!("synth: cannot create {}: {e}", parent.display());
            return ExitCode::from(2);
        }
        if let Err(e) = std::fs::write(&path, &f.bytes) {
            eprintln!("synth: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        bytes += f.bytes.len();
    }
    println!(
        "wrote {scenes} (scenes or shape size) in {} files ({bytes} bytes) to {}",
        files.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
