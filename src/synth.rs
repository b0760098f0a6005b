//! A synthetic story generator, for benchmarks and scale tests.
//!
//! Writes a valid story of any size in our format: about 100 words per scene, three
//! choices per scene each with a condition and an effect, spread over many chapter
//! files. Pure: it returns file contents; `examples/synth.rs` writes them to disk.

use std::fmt::Write as _;

use crate::story::SourceFile;

/// Scenes per chapter file.
pub const SCENES_PER_FILE: usize = 100;

const WORDS: &[&str] = &[
    "lamp",
    "silk",
    "courtyard",
    "ledger",
    "carbon",
    "gong",
    "lane",
    "bicycle",
    "dust",
    "smoke",
    "window",
    "letter",
    "cipher",
    "tea",
    "coal",
    "bell",
    "door",
    "winter",
    "stage",
    "rouge",
    "sleeve",
    "hairpin",
    "radio",
    "cobble",
    "poster",
    "river",
    "you",
    "she",
    "quietly",
    "again",
    "almost",
    "never",
    "always",
    "under",
    "across",
    "behind",
];

fn sentence(seed: &mut u64, words: usize, out: &mut String) {
    for w in 0..words {
        // xorshift: cheap and deterministic; quality is irrelevant for filler text.
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let word = WORDS[(*seed % WORDS.len() as u64) as usize];
        if w > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('.');
}

fn scene_id(i: usize) -> String {
    format!("s{i}")
}

/// A story of `scenes` scenes (at least 2).
#[must_use]
pub fn generate(scenes: usize) -> Vec<SourceFile> {
    let scenes = scenes.max(2);
    let mut files = Vec::with_capacity(scenes / SCENES_PER_FILE + 2);
    files.push(SourceFile {
        path: "story.ron".into(),
        bytes: HEADER.as_bytes().to_vec(),
    });
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    let mut start = 0;
    while start < scenes {
        let end = (start + SCENES_PER_FILE).min(scenes);
        let mut src = String::with_capacity((end - start) * 1100);
        let _ = writeln!(
            src,
            "Chapter(\n    title: \"Chapter {}\",\n    date: \"Day {}\",\n    place: \"Place {}\",\n    scenes: [",
            start / SCENES_PER_FILE + 1,
            start / SCENES_PER_FILE + 1,
            start % 7
        );
        for i in start..end {
            let _ = write!(
                src,
                "        Scene(\n            id: \"{}\",\n            text: [\n",
                scene_id(i)
            );
            for (p, words) in [34usize, 33, 24].into_iter().enumerate() {
                src.push_str("                \"");
                sentence(&mut seed, words, &mut src);
                if p == 2 {
                    src.push_str(" {if lucky: Luck holds. | Luck fails.}");
                }
                src.push_str("\",\n");
            }
            src.push_str("            ],\n");
            if i + 1 == scenes {
                src.push_str("            ending: \"done\",\n        ),\n");
                continue;
            }
            let next = scene_id(i + 1);
            let skip = scene_id((i + 2).min(scenes - 1));
            let back = scene_id(i.saturating_sub(3));
            let _ = write!(
                src,
                "            choices: [\n                Choice(id: \"on\", label: \"Walk on\", goto: \"{next}\", when: \"steps >= 0\", effects: [\"steps += 1\"]),\n                Choice(id: \"skip\", label: \"Hurry ahead\", goto: \"{skip}\", when: \"not tired and mood < 90\", effects: [\"mood += 7\"]),\n                Choice(id: \"back\", label: \"Turn back a while\", goto: \"{back}\", when: \"mood > 20 or lucky\", effects: [\"lucky = mood > 50\", \"mood -= 3\", \"tired = steps > 40\"]),\n            ],\n        ),\n"
            );
        }
        src.push_str("    ],\n)\n");
        files.push(SourceFile {
            path: format!("chapters/{:06}.ron", start / SCENES_PER_FILE),
            bytes: src.into_bytes(),
        });
        start = end;
    }
    files
}

/// A small header naming `start`, with `variables` and `endings` written as given.
fn header(start: &str, variables: &str, endings: &str) -> SourceFile {
    SourceFile {
        path: "story.ron".into(),
        bytes: format!(
            "Story(id: \"shape\", title: \"Shape\", start: \"{start}\",\n variables: [{variables}],\n endings: [{endings}])\n"
        )
        .into_bytes(),
    }
}

fn chapter(path: &str, scenes: &str, extend: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        bytes: format!(
            "Chapter(title: \"C\", date: \"D\", place: \"P\", scenes: [\n{scenes}],\n extend: [\n{extend}])\n"
        )
        .into_bytes(),
    }
}

/// The dimensions a story can grow in, one at a time, for the scaling benchmarks and
/// tests: each shape is a valid story that is large in that one dimension only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One scene offering `n` choices.
    ChoicesInOneScene,
    /// `n` `Extend(...)` blocks, each adding a choice to the first scene.
    Extends,
    /// `n` endings, each reached from its own scene of a chain.
    Endings,
    /// `n` variables, each read and written by its own choice.
    Variables,
    /// A binary tree of `n` scenes: every path is different, so searches branch.
    Tree,
    /// One scene whose text is `n` paragraphs (file size, words).
    Paragraphs,
}

/// Every shape, for benchmarks that cover them all.
pub const SHAPES: [Shape; 6] = [
    Shape::ChoicesInOneScene,
    Shape::Extends,
    Shape::Endings,
    Shape::Variables,
    Shape::Tree,
    Shape::Paragraphs,
];

/// The variable the choices of one scene set, so that each leads on differently.
const PICK: &str = r#"Int(name: "pick", max: 1000000000),"#;
/// The scene they lead to, which reads it.
const PICKED: &str = "Scene(id: \"z\", text: [\"Z {pick}.\"], ending: \"end\"),\n";

/// A valid story of `shape`, large (`n`) in that dimension alone.
#[must_use]
pub fn shaped(shape: Shape, n: usize) -> Vec<SourceFile> {
    let n = n.max(1);
    let mut scenes = String::new();
    let mut extend = String::new();
    let end = r#"Ending(id: "end", title: "End")"#;
    let (variables, endings) = match shape {
        Shape::ChoicesInOneScene => {
            scenes.push_str("Scene(id: \"a\", text: [\"A.\"], choices: [\n");
            for i in 0..n {
                let _ = writeln!(
                    scenes,
                    "Choice(id: \"c{i}\", label: \"Option {i}\", goto: \"z\", effects: [\"pick = {i}\"]),"
                );
            }
            // Each choice records itself and `z` shows it: choices that only differ in
            // their label would be one choice (W0408).
            scenes.push_str("]),\n");
            scenes.push_str(PICKED);
            (PICK.to_owned(), end.to_owned())
        }
        Shape::Extends => {
            scenes.push_str("Scene(id: \"a\", text: [\"A.\"], choices: [Choice(label: \"On\", goto: \"z\")]),\n");
            scenes.push_str(PICKED);
            for i in 0..n {
                let _ = writeln!(
                    extend,
                    "Extend(scene: \"a\", choices: [Choice(id: \"x{i}\", label: \"More {i}\", goto: \"z\", effects: [\"pick = {}\"])]),",
                    i + 1
                );
            }
            (PICK.to_owned(), end.to_owned())
        }
        Shape::Endings => {
            let mut endings = String::new();
            for i in 0..n {
                // The last scene of the chain has nowhere further to go: it only stops.
                let exit = if i + 1 < n {
                    format!(
                        "choices: [Choice(id: \"stop\", label: \"Stop\", goto: \"e{i}\"), Choice(id: \"on\", label: \"On\", goto: \"s{}\")]",
                        i + 1
                    )
                } else {
                    format!("next: \"e{i}\"")
                };
                let _ = writeln!(
                    scenes,
                    "Scene(id: \"s{i}\", text: [\"S.\"], {exit}),\nScene(id: \"e{i}\", text: [\"E.\"], ending: \"end{i}\"),"
                );
                let _ = write!(endings, "Ending(id: \"end{i}\", title: \"End {i}\"),");
            }
            (String::new(), endings)
        }
        Shape::Variables => {
            let mut variables = String::new();
            scenes.push_str("Scene(id: \"a\", text: [\"A.\"], choices: [\n");
            for i in 0..n {
                let _ = write!(variables, "Int(name: \"v{i}\", max: 10),");
                let _ = writeln!(
                    scenes,
                    "Choice(id: \"c{i}\", label: \"{{v{i}}}\", goto: \"z\", when: \"v{i} < 5\", effects: [\"v{i} += 1\"]),"
                );
            }
            scenes.push_str("]),\nScene(id: \"z\", text: [\"Z.\"], ending: \"end\"),\n");
            (variables, end.to_owned())
        }
        Shape::Tree => {
            for i in 0..n {
                let (l, r) = (2 * i + 1, 2 * i + 2);
                if r < n {
                    let _ = writeln!(
                        scenes,
                        "Scene(id: \"t{i}\", text: [\"T.\"], choices: [Choice(id: \"l\", label: \"Left\", goto: \"t{l}\"), Choice(id: \"r\", label: \"Right\", goto: \"t{r}\")]),"
                    );
                } else if l < n {
                    let _ = writeln!(
                        scenes,
                        "Scene(id: \"t{i}\", text: [\"T.\"], choices: [Choice(id: \"l\", label: \"Left\", goto: \"t{l}\")]),"
                    );
                } else {
                    let _ = writeln!(
                        scenes,
                        "Scene(id: \"t{i}\", text: [\"T.\"], ending: \"end\"),"
                    );
                }
            }
            (String::new(), end.to_owned())
        }
        Shape::Paragraphs => {
            scenes.push_str("Scene(id: \"a\", text: [\n");
            let mut seed = 7u64;
            for _ in 0..n {
                scenes.push('"');
                sentence(&mut seed, 20, &mut scenes);
                scenes.push_str("\",\n");
            }
            scenes.push_str("], ending: \"end\"),\n");
            (String::new(), end.to_owned())
        }
    };
    let start = match shape {
        Shape::Endings => "s0",
        Shape::Tree => "t0",
        _ => "a",
    };
    vec![
        header(start, &variables, &endings),
        chapter("chapter.ron", &scenes, &extend),
    ]
}

const HEADER: &str = r#"Story(
    id: "synthetic",
    title: "Synthetic",
    start: "s0",
    variables: [
        Int(name: "steps", min: 0, max: 1000000),
        Int(name: "mood", initial: 50, min: 0, max: 100),
        Flag(name: "lucky"),
        Flag(name: "tired"),
    ],
    endings: [Ending(id: "done", title: "Done", epilogue: ["The end."])],
)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_stories_check_clean_with_about_100_words_per_scene() {
        let loaded = crate::story::load(&generate(250));
        assert!(
            loaded.diagnostics.is_empty(),
            "{:?}",
            loaded.diagnostics.first()
        );
        let story = loaded.story.unwrap();
        assert_eq!(story.scenes.len(), 250);
        let words = story.word_count() / 250;
        assert!((95..=125).contains(&words), "{words} words per scene");
        assert!(story.scenes[..249].iter().all(|s| s.choices().len() == 3));
    }

    #[test]
    fn every_shape_checks_clean() {
        for shape in SHAPES {
            let loaded = crate::story::load(&shaped(shape, 40));
            assert!(
                loaded.story.is_some(),
                "{shape:?}: {:?}",
                loaded.diagnostics.first()
            );
            let errors_or_warnings: Vec<_> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.code != "W0405")
                .collect();
            assert!(
                errors_or_warnings.is_empty(),
                "{shape:?}: {errors_or_warnings:?}"
            );
        }
    }
}
