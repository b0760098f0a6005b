//! Incremental reload (issue 16): after random edits of a synthetic story, what the
//! [`Reloader`] holds is what a full load of the edited files gives — the same story,
//! diagnostics and counts — whichever path (incremental or full) it took.

use butterfly::story::{self, Loaded, Reload, Reloader, SourceFile};
use butterfly::synth;
use proptest::prelude::*;

/// One edit of a chapter file, as an author might make it.
#[derive(Debug, Clone)]
enum Edit {
    /// Rewrite the first paragraph of a scene (sometimes with markup, sometimes broken).
    Paragraph { scene: usize, text: String },
    /// Change the condition of a scene's first choice (sometimes to a broken one).
    Condition { scene: usize, when: String },
    /// Point a scene's first choice at another scene (perhaps one that does not exist).
    Goto { scene: usize, target: usize },
    /// Add a scene at the start of a file.
    AddScene { file: usize },
    /// Remove a scene.
    RemoveScene { scene: usize },
    /// Break a file's syntax; the next edit of any kind first puts it back.
    Break { file: usize, at: usize },
    /// Add an `Extend` of some scene to a file.
    Extend { file: usize, target: usize },
    /// Make a scene's first choice a detour into another scene (whole-story checks).
    Detour { scene: usize, target: usize },
    /// Make a scene's first choice a return (an error outside any detour).
    Return { scene: usize },
}

const SCENES: usize = 300;
const CHAPTERS: usize = SCENES / synth::SCENES_PER_FILE;

fn edit() -> impl Strategy<Value = Edit> {
    let scene = 0..SCENES;
    prop_oneof![
        4 => (scene.clone(), prop_oneof![
            "[a-z ]{0,40}",
            Just("a {if lucky: glad | sad} day".to_owned()),
            Just("{if nosuchvar: x}".to_owned()),
            Just("{unclosed".to_owned()),
        ])
            .prop_map(|(scene, text)| Edit::Paragraph { scene, text }),
        2 => (scene.clone(), prop_oneof![
            Just("steps >= 1".to_owned()),
            Just("mood < 3 and lucky".to_owned()),
            Just("nosuchvar > 1".to_owned()),
            Just("steps >=".to_owned()),
        ])
            .prop_map(|(scene, when)| Edit::Condition { scene, when }),
        2 => (scene.clone(), 0..SCENES + 20).prop_map(|(scene, target)| Edit::Goto { scene, target }),
        1 => (0..CHAPTERS).prop_map(|file| Edit::AddScene { file }),
        1 => scene.clone().prop_map(|scene| Edit::RemoveScene { scene }),
        1 => (0..CHAPTERS, 0..20_000usize).prop_map(|(file, at)| Edit::Break { file, at }),
        1 => (0..CHAPTERS, scene.clone()).prop_map(|(file, target)| Edit::Extend { file, target }),
        1 => (scene.clone(), scene.clone()).prop_map(|(scene, target)| Edit::Detour { scene, target }),
        1 => scene.prop_map(|scene| Edit::Return { scene }),
    ]
}

/// The chapter file holding scene `n` (`synth` writes 100 scenes per file in order).
fn file_of(scene: usize) -> usize {
    1 + scene / synth::SCENES_PER_FILE
}

fn text(files: &[SourceFile], i: usize) -> String {
    String::from_utf8(files[i].bytes.clone()).unwrap()
}

/// Where scene `n`'s `Scene(` block starts and ends (its closing `),` line), if present.
fn scene_block(src: &str, n: usize) -> Option<(usize, usize)> {
    let id = format!("id: \"s{n}\",");
    let at = src.find(&id)?;
    let start = src[..at].rfind("Scene(")?;
    let end = src[at..].find("\n        ),\n")? + at + "\n        ),\n".len();
    Some((start, end))
}

/// Replaces the first `"..."` value after `key` inside scene `n`; false if not found.
fn replace_value(src: &mut String, n: usize, key: &str, value: &str) -> bool {
    let Some((start, end)) = scene_block(src, n) else {
        return false;
    };
    let Some(k) = src[start..end].find(key) else {
        return false;
    };
    let open = start + k + key.len();
    let Some(close) = src[open..end].find('"') else {
        return false;
    };
    src.replace_range(open..open + close, value);
    true
}

/// Applies `e` to `files`; the path of the file it changed.
fn apply(files: &mut [SourceFile], e: &Edit, serial: usize) -> Option<usize> {
    let (i, new) = match e {
        Edit::Paragraph { scene, text: t } => {
            let i = file_of(*scene);
            let mut src = text(files, i);
            replace_value(&mut src, *scene, "text: [\n                \"", t).then_some((i, src))?
        }
        Edit::Condition { scene, when } => {
            let i = file_of(*scene);
            let mut src = text(files, i);
            replace_value(&mut src, *scene, "when: \"", when).then_some((i, src))?
        }
        Edit::Goto { scene, target } => {
            let i = file_of(*scene);
            let mut src = text(files, i);
            replace_value(&mut src, *scene, "goto: \"", &format!("s{target}"))
                .then_some((i, src))?
        }
        Edit::Detour { scene, target } => {
            let i = file_of(*scene);
            let mut src = text(files, i);
            let (start, end) = scene_block(&src, *scene)?;
            let at = start + src[start..end].find("goto: \"")?;
            src.insert_str(at, &format!("detour: \"s{target}\", "));
            (i, src)
        }
        Edit::Return { scene } => {
            let i = file_of(*scene);
            let mut src = text(files, i);
            replace_value(&mut src, *scene, "goto: \"", "<return>").then_some((i, src))?
        }
        Edit::AddScene { file } => {
            let i = 1 + file;
            let src = text(files, i).replacen(
                "scenes: [\n",
                &format!(
                    "scenes: [\n        Scene(\n            id: \"new{serial}\",\n            text: [\"An added scene.\"],\n            next: \"s0\",\n        ),\n"
                ),
                1,
            );
            (i, src)
        }
        Edit::RemoveScene { scene } => {
            let i = file_of(*scene);
            let mut src = text(files, i);
            let (start, end) = scene_block(&src, *scene)?;
            src.replace_range(start..end, "");
            (i, src)
        }
        Edit::Break { file, at } => {
            let i = 1 + file;
            let mut src = text(files, i);
            let mut at = at % src.len();
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            src.insert_str(at, "(((");
            (i, src)
        }
        Edit::Extend { file, target } => {
            let i = 1 + file;
            let src = text(files, i);
            let end = src.rfind(')')?;
            let mut src = src;
            src.insert_str(
                end,
                &format!(
                    "    extend: [Extend(scene: \"s{target}\", choices: [Choice(id: \"x{serial}\", label: \"Extra\", goto: \"s0\")])],\n"
                ),
            );
            (i, src)
        }
    };
    files[i].bytes = new.into_bytes();
    Some(i)
}

fn same(incremental: &Loaded, full: &Loaded) -> Result<(), TestCaseError> {
    prop_assert_eq!(&incremental.diagnostics, &full.diagnostics);
    prop_assert_eq!(incremental.stats, full.stats);
    prop_assert_eq!(incremental.file_count, full.file_count);
    prop_assert!(
        incremental.story == full.story,
        "the stories differ (incremental has one: {}, full has one: {})",
        incremental.story.is_some(),
        full.story.is_some()
    );
    Ok(())
}

fn full_load(files: &[SourceFile], lints: bool) -> Loaded {
    if lints {
        story::load(files)
    } else {
        story::load_unlinted(files)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn incremental_and_full_loads_agree(
        edits in prop::collection::vec(edit(), 1..6),
        lints in any::<bool>(),
        whole in any::<bool>(),
    ) {
        let mut files = synth::generate(SCENES);
        let mut reloader = Reloader::new(files.clone(), lints);
        same(reloader.loaded(), &full_load(&files, lints))?;
        let mut broken: Option<(usize, Vec<u8>)> = None;
        for (serial, e) in edits.iter().enumerate() {
            let mut changed = Vec::new();
            // A broken file is mended before the next edit: break, then fix.
            if let Some((i, bytes)) = broken.take() {
                files[i].bytes = bytes;
                changed.push(i);
            }
            let before = files.clone();
            if let Some(i) = apply(&mut files, e, serial) {
                if matches!(e, Edit::Break { .. }) {
                    broken = Some((i, before[i].bytes.clone()));
                }
                changed.push(i);
            }
            changed.sort_unstable();
            changed.dedup();
            if whole {
                reloader.replace(files.clone());
            } else {
                let edits = changed
                    .iter()
                    .map(|&i| (files[i].path.clone(), files[i].bytes.clone()))
                    .collect();
                prop_assert!(reloader.edit(edits).is_some());
            }
            same(reloader.loaded(), &full_load(&files, lints))?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Chapters compile as they are parsed (`story/passes/stream.rs`), falling back to
    /// the classic order of passes when a name is missing or a file is broken: after
    /// any edits, both orders give the same story, diagnostics and counts.
    #[test]
    fn streaming_and_classic_loads_agree(
        edits in prop::collection::vec(edit(), 1..6),
        lints in any::<bool>(),
    ) {
        let mut files = synth::generate(SCENES);
        for (serial, e) in edits.iter().enumerate() {
            apply(&mut files, e, serial);
        }
        same(&full_load(&files, lints), &story::load_classic(&files, lints))?;
    }
}

/// The everyday edit takes the incremental path, and the result still matches.
#[test]
fn editing_a_paragraph_recompiles_only_its_file() {
    for lints in [false, true] {
        let mut files = synth::generate(SCENES);
        let mut reloader = Reloader::new(files.clone(), lints);
        let i = apply(
            &mut files,
            &Edit::Paragraph {
                scene: 150,
                text: "Rain on the {if lucky: lucky | unlucky} roofs.".into(),
            },
            0,
        )
        .unwrap();
        let how = reloader.edit(vec![(files[i].path.clone(), files[i].bytes.clone())]);
        assert_eq!(how, Some(Reload::Incremental));
        let full = full_load(&files, lints);
        assert_eq!(reloader.loaded().story, full.story);
        assert_eq!(reloader.loaded().diagnostics, full.diagnostics);
        assert_eq!(reloader.loaded().stats, full.stats);
        // The new text is in the story.
        let scene = reloader
            .loaded()
            .story
            .as_ref()
            .unwrap()
            .scene("s150")
            .unwrap();
        assert!(format!("{:?}", scene.text[0]).contains("Rain on the"));
        // Saving the same bytes again changes nothing.
        let again = reloader.edit(vec![(files[i].path.clone(), files[i].bytes.clone())]);
        assert_eq!(again, Some(Reload::Unchanged));
    }
}

/// Edits that change what other files see take the full path; a file outside the
/// story is refused (the caller reads the directory again).
#[test]
fn edits_other_files_depend_on_take_the_full_path() {
    let mut files = synth::generate(SCENES);
    let mut reloader = Reloader::new(files.clone(), false);
    let i = apply(&mut files, &Edit::AddScene { file: 1 }, 0).unwrap();
    let how = reloader.edit(vec![(files[i].path.clone(), files[i].bytes.clone())]);
    assert_eq!(how, Some(Reload::Full));
    assert_eq!(reloader.loaded().story, story::load_unlinted(&files).story);
    assert_eq!(
        reloader.edit(vec![("nowhere.ron".into(), Vec::new())]),
        None
    );
}

/// An edit that breaks the story leaves the last story that loaded cleanly to play —
/// also when the edit compiled alone and only the whole-story check refused it after
/// its scenes were put in place — and the next good edit replaces it.
#[test]
fn a_broken_edit_leaves_the_last_good_story_to_play() {
    let mut files = synth::generate(SCENES);
    let original = story::load_unlinted(&files)
        .story
        .expect("the synthetic story loads");
    let mut reloader = Reloader::new(files.clone(), false);
    assert_eq!(reloader.story(), Some(&original));

    // A return outside any detour (E0601): found only by the whole-graph check.
    let i = apply(&mut files, &Edit::Return { scene: 150 }, 0).unwrap();
    let how = reloader.edit(vec![(files[i].path.clone(), files[i].bytes.clone())]);
    assert_eq!(how, Some(Reload::Full));
    assert!(reloader.loaded().story.is_none());
    assert!(
        reloader
            .loaded()
            .diagnostics
            .iter()
            .any(|d| d.code == "E0601"),
        "{:?}",
        reloader.loaded().diagnostics
    );
    assert_eq!(reloader.story(), Some(&original), "the old story plays on");

    // A syntax error on top: still the same old story.
    let j = apply(&mut files, &Edit::Break { file: 2, at: 500 }, 1).unwrap();
    reloader.edit(vec![(files[j].path.clone(), files[j].bytes.clone())]);
    assert!(reloader.loaded().story.is_none());
    assert_eq!(reloader.story(), Some(&original));

    // Mended, with a new paragraph: the new story is the one to play.
    let mut mended = synth::generate(SCENES);
    let k = apply(
        &mut mended,
        &Edit::Paragraph {
            scene: 150,
            text: "Rain again.".into(),
        },
        2,
    )
    .unwrap();
    assert_eq!(reloader.replace(mended.clone()), Reload::Full);
    let now = story::load_unlinted(&mended).story;
    assert!(now.is_some() && now.as_ref() != Some(&original));
    assert_eq!(reloader.story(), now.as_ref());
    // And an incremental edit from there plays at once.
    let again = apply(
        &mut mended,
        &Edit::Paragraph {
            scene: 151,
            text: "Rain once more.".into(),
        },
        3,
    )
    .unwrap();
    assert_eq!(again, k, "scenes 150 and 151 share a file");
    let how = reloader.edit(vec![(mended[k].path.clone(), mended[k].bytes.clone())]);
    assert_eq!(how, Some(Reload::Incremental));
    assert_eq!(
        reloader.story(),
        story::load_unlinted(&mended).story.as_ref()
    );
}

/// Making a choice once-only (or no longer) in an edited file changes the story's
/// numbering of once-only choices: the incremental reload renumbers it as a full load
/// does, and keeps the numbering when the edit leaves it as it was.
#[test]
fn a_choice_made_once_only_is_numbered_as_a_full_load_numbers_it() {
    let mut files = synth::generate(SCENES);
    let mut reloader = Reloader::new(files.clone(), false);
    let i = 2;
    let text = String::from_utf8(files[i].bytes.clone()).unwrap();
    let once = text.replacen("Choice(id: \"on\",", "Choice(id: \"on\", once: true,", 1);
    assert_ne!(once, text, "the file has a choice to change");
    for version in [once.clone(), text.clone(), once] {
        files[i].bytes = version.into_bytes();
        let how = reloader.edit(vec![(files[i].path.clone(), files[i].bytes.clone())]);
        assert_eq!(how, Some(Reload::Incremental));
        let full = story::load_unlinted(&files).story.unwrap();
        let now = reloader.story().unwrap();
        assert_eq!(now, &full);
        assert_eq!(**now.layout(), **full.layout());
    }
    // A paragraph edit leaves the once-only choices, and the numbering, as they were.
    let before = std::sync::Arc::clone(reloader.story().unwrap().layout());
    let j = apply(
        &mut files,
        &Edit::Paragraph {
            scene: 250,
            text: "Rain.".into(),
        },
        0,
    )
    .unwrap();
    assert_ne!(j, i);
    let how = reloader.edit(vec![(files[j].path.clone(), files[j].bytes.clone())]);
    assert_eq!(how, Some(Reload::Incremental));
    assert!(std::sync::Arc::ptr_eq(
        &before,
        reloader.story().unwrap().layout()
    ));
    assert_eq!(
        reloader.story(),
        story::load_unlinted(&files).story.as_ref()
    );
}
