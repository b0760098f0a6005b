//! Translations keyed by stable line ids (issue 18): `l10n extract` writes a PO file,
//! `check --lang` finds missing, stale and broken lines, `play --lang` plays the
//! translation with the source as fallback. On a copy of `tests/fixtures/full`, with a
//! mechanical "translation" (each line wrapped in « »), since what is tested is the
//! machinery, not French.

mod common;

use std::fs;
use std::path::Path;

use butterfly::story::l10n::{self, Problem};
use butterfly::tools::l10n as po;
use polib::message::{MessageMutView, MessageView};

fn story_copy(to: &Path) {
    common::copy_dir(&common::root().join("tests/fixtures/full"), to);
}

fn run(args: &[&str]) -> common::Run {
    common::butterfly(args, "")
}

/// Fills every entry of the PO file with `«source»`, except `leave_out`.
fn translate_all(path: &Path, leave_out: &[&str]) {
    let mut catalog = polib::po_file::parse(path).unwrap();
    for mut m in catalog.messages_mut() {
        let id = m.msgctxt().unwrap_or_default().to_owned();
        if leave_out.contains(&id.as_str()) {
            continue;
        }
        let text = format!("«{}»", m.msgid());
        m.set_msgstr(text).unwrap();
    }
    polib::po_file::write_to_file(&catalog, path).unwrap();
}

fn set_line(path: &Path, id: &str, text: &str) {
    let mut catalog = polib::po_file::parse(path).unwrap();
    let mut found = false;
    for mut m in catalog.messages_mut() {
        if m.msgctxt() == Some(id) {
            m.set_msgstr(text.to_owned()).unwrap();
            found = true;
        }
    }
    assert!(found, "{id} is in the file");
    polib::po_file::write_to_file(&catalog, path).unwrap();
}

#[test]
fn ids_are_stable_under_edits_elsewhere_and_markup_prints_back_to_the_same_text() {
    let tmp = tempfile::tempdir().unwrap();
    story_copy(tmp.path());
    let before = common::load_dir(tmp.path());
    // Insert a scene before every other one and a paragraph in another scene.
    let gate = tmp.path().join("chapters/a_gate.ron");
    let text = fs::read_to_string(&gate).unwrap();
    let text = text.replacen(
        "    scenes: [\n",
        "    scenes: [\n        Scene(id: \"new_first\", text: [\"New.\"], next: \"gate\"),\n",
        1,
    );
    let text = text.replacen(
        "text: [\"The grass is wet. Something glints.\"]",
        "text: [\"A new first line.\", \"The grass is wet. Something glints.\"]",
        1,
    );
    fs::write(&gate, text).unwrap();
    let after = common::load_dir(tmp.path());
    let ids = |s| {
        l10n::lines(s)
            .into_iter()
            .map(|l| (l.id, l.hash))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (was, now) = (ids(&before), ids(&after));
    let changed: Vec<&String> = was
        .keys()
        .filter(|id| was.get(*id) != now.get(*id))
        .collect();
    // Only the lines of the scene that was edited moved; everything else kept its id
    // and hash.
    assert_eq!(changed, ["scene.grass.text.0"], "{changed:?}");

    // The printed markup parses back to the very same text (the translation check
    // relies on it).
    let (same, problems) = l10n::translate(
        &before,
        &l10n::lines(&before)
            .into_iter()
            .map(|l| {
                let hash = l.hash.clone();
                (
                    l.id,
                    l10n::Translated {
                        text: l.source,
                        hash,
                    },
                )
            })
            .collect(),
    );
    assert_eq!(problems, []);
    assert_eq!(same, before);
}

#[test]
fn extract_check_stale_markup_and_play_with_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("story");
    story_copy(&dir);
    let d = dir.to_str().unwrap();

    let extract = run(&["l10n", "extract", "--lang", "fr", d]);
    assert_eq!(extract.code, 0, "{}", extract.stderr);
    let file = po::po_path(&dir, "fr");
    assert!(extract.stdout.contains("fr.po"), "{}", extract.stdout);

    // Nothing translated yet: every line is missing.
    let story = common::load_dir(&dir);
    let total = l10n::lines(&story).len();
    let check = run(&["check", "--lang", "fr", d]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains(&format!("{total} lines; {total} missing, 0 stale")),
        "{}",
        check.stdout
    );

    // Translated, all but one line: only that one is reported.
    translate_all(&file, &["scene.yard.choice.crossroads.label"]);
    let check = run(&["check", "--lang", "fr", d]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains(&format!("{total} lines; 1 missing, 0 stale, 0 with markup")),
        "{}",
        check.stdout
    );

    // Extracting again keeps every translation.
    assert_eq!(run(&["l10n", "extract", "--lang", "fr", d]).code, 0);
    let kept = po::read(&file).unwrap();
    assert_eq!(
        kept["scene.grass.text.0"].text,
        "«The grass is wet. Something glints.»"
    );

    // Edit one source line: exactly that line is stale.
    let gate = dir.join("chapters/a_gate.ron");
    let text = fs::read_to_string(&gate).unwrap();
    fs::write(
        &gate,
        text.replacen(
            "The grass is wet. Something glints.",
            "The grass is wet.",
            1,
        ),
    )
    .unwrap();
    let story = common::load_dir(&dir);
    let (_, problems) = l10n::translate(&story, &po::read(&file).unwrap());
    let mut problems: Vec<_> = problems
        .into_iter()
        .filter(|p| !matches!(p, Problem::Missing(_)))
        .collect();
    problems.sort_by_key(ToString::to_string);
    assert_eq!(problems, [Problem::Stale("scene.grass.text.0".into())]);
    let check = run(&["check", "--lang", "fr", d]);
    assert!(
        check.stdout.contains("stale: `scene.grass.text.0`"),
        "{}",
        check.stdout
    );

    // Extracting again: that entry gets the new source, keeps its translation, and is
    // marked fuzzy, so it stays stale until the translator confirms it.
    assert_eq!(run(&["l10n", "extract", "--lang", "fr", d]).code, 0);
    let catalog = polib::po_file::parse(&file).unwrap();
    let entry = catalog
        .messages()
        .find(|m| m.msgctxt() == Some("scene.grass.text.0"))
        .unwrap();
    assert_eq!(entry.msgid(), "The grass is wet.");
    assert_eq!(
        entry.msgstr().unwrap(),
        "«The grass is wet. Something glints.»"
    );
    assert!(entry.is_fuzzy());
    let stale = |file: &Path| {
        let story = common::load_dir(&dir);
        l10n::translate(&story, &po::read(file).unwrap())
            .1
            .into_iter()
            .filter(|p| matches!(p, Problem::Stale(_)))
            .collect::<Vec<_>>()
    };
    assert_eq!(stale(&file), [Problem::Stale("scene.grass.text.0".into())]);
    let mut catalog = catalog;
    for mut m in catalog.messages_mut() {
        if m.msgctxt() == Some("scene.grass.text.0") {
            m.flags_mut().remove_flag("fuzzy");
            m.set_msgstr("«The grass is wet.»".into()).unwrap();
        }
    }
    polib::po_file::write_to_file(&catalog, &file).unwrap();
    assert_eq!(stale(&file), [], "confirmed: current again");

    // A translation that drops a variable is refused, naming what it dropped.
    set_line(&file, "scene.gate.text.0", "Vous êtes devant une grille.");
    let check = run(&["check", "--lang", "fr", d]);
    assert!(
        check
            .stdout
            .contains("markup: `scene.gate.text.0`: markup differs: dropped `{courage}`"),
        "{}",
        check.stdout
    );

    // Playing: translated lines, the source where the translation is missing or broken.
    let play = common::butterfly(
        &[
            "--story", d, "play", "--plain", "--lang", "fr", "--seed", "1",
        ],
        "quit\n",
    );
    let out = &play.stdout;
    // (The plain player shows `*emphasis*` without its stars.)
    assert!(out.contains("«{braces} stay literal.»"), "{out}");
    assert!(out.contains("«Search the grass»"), "{out}");
    assert!(
        out.contains("You stand at a") && out.contains("with courage 5."),
        "the broken line falls back to the source: {out}"
    );
}

/// Issue 14: an enum shown or tested in a translated line printed back as a number
/// (its index) instead of its value's name.
#[test]
fn issue_14_an_enum_in_a_translated_line_shows_its_value_by_name() {
    use butterfly::story::{self, SourceFile};
    let header = r#"Story(id: "e", title: "E", start: "a",
        variables: [
            Int(name: "n"),
            Enum(name: "aria", values: ["un_bel_di", "vissi_darte"], initial: "vissi_darte"),
        ],
        endings: [Ending(id: "end", title: "End")])"#;
    let chapter = r#"Chapter(title: "One", date: "Today", place: "Here", scenes: [
        Scene(id: "a", text: ["She sings {aria}.", "{if aria == vissi_darte: Tosca. | Butterfly.}"], ending: "end"),
    ])"#;
    let files = [
        SourceFile {
            path: "story.ron".into(),
            bytes: header.as_bytes().to_vec(),
        },
        SourceFile {
            path: "one.ron".into(),
            bytes: chapter.as_bytes().to_vec(),
        },
    ];
    let loaded = story::load(&files);
    let story = loaded
        .story
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
    // What a translator is given names the value, as the author wrote it.
    let lines = l10n::lines(&story);
    let line = |id: &str| lines.iter().find(|l| l.id == id).unwrap().source.clone();
    assert_eq!(line("scene.a.text.0"), "She sings {aria}.");
    assert_eq!(
        line("scene.a.text.1"),
        "{if (aria == vissi_darte): Tosca. | Butterfly.}"
    );
    let mut translation = l10n::Translation::new();
    for line in l10n::lines(&story) {
        let text = match line.id.as_str() {
            "scene.a.text.0" => "Elle chante {aria}.".to_owned(),
            "scene.a.text.1" => "{if aria == vissi_darte: La Tosca. | Butterfly.}".to_owned(),
            _ => line.source.clone(),
        };
        translation.insert(
            line.id.clone(),
            l10n::Translated {
                text,
                hash: line.hash.clone(),
            },
        );
    }
    let (french, problems) = l10n::translate(&story, &translation);
    assert!(problems.is_empty(), "{problems:?}");
    let (state, _) = butterfly::engine::start(&french, 1).unwrap();
    let view = butterfly::engine::render(&french, &state).unwrap();
    let shown = view.paragraphs.join("\n");
    assert!(shown.contains("Elle chante vissi_darte."), "{shown}");
    assert!(shown.contains("La Tosca."), "{shown}");
    // A translator who copies the source's condition as given gets a working line.
    translation.get_mut("scene.a.text.1").unwrap().text =
        "{if (aria == vissi_darte): La Tosca. | Butterfly.}".to_owned();
    let (french, problems) = l10n::translate(&story, &translation);
    assert!(problems.is_empty(), "{problems:?}");
    let view = butterfly::engine::render(&french, &state).unwrap();
    assert!(view.paragraphs.join("\n").contains("La Tosca."));
}

/// Issue 18: the shipped translations are built into the binary, so `--lang fr` works
/// from any folder (it used to read `./story/l10n/`).
#[test]
fn the_built_in_story_plays_in_its_built_in_translation_from_any_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let saves = elsewhere.path().join("saves");
    let saves = saves.to_str().unwrap();
    let langs = po::languages(None);
    assert!(langs.contains(&"fr".to_owned()), "{langs:?}");
    let french = po::load(None, "fr").unwrap();
    let title = &french.get("title").expect("the title is translated").text;
    let run = common::butterfly_in(
        elsewhere.path(),
        &[
            "--saves", saves, "play", "--plain", "--lang", "fr", "--seed", "1",
        ],
        "quit\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with(title.as_str()), "{}", run.stdout);
    // `en` is the story as written.
    let english = common::butterfly_in(
        elsewhere.path(),
        &[
            "--saves", saves, "play", "--plain", "--lang", "en", "--seed", "1",
        ],
        "quit\n",
    );
    assert_eq!(english.code, 0, "{}", english.stderr);
    let source = butterfly::story::load(&butterfly::source::embedded())
        .story
        .unwrap();
    let first = |out: &str| out.lines().next().unwrap_or_default().to_owned();
    assert_eq!(
        first(&english.stdout),
        format!("{} — {}", source.title, source.subtitle)
    );
    let subtitle = &french.get("subtitle").expect("translated").text;
    assert_eq!(first(&run.stdout), format!("{title} — {subtitle}"));
    assert_ne!(first(&run.stdout), first(&english.stdout));
    let missing = common::butterfly_in(
        elsewhere.path(),
        &["--saves", saves, "play", "--plain", "--lang", "xx"],
        "",
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .contains("no translation `xx` built into the game (available: fr"),
        "{}",
        missing.stderr
    );
}

/// The shipped French translates the game's own words in the story's flow (the
/// `game.*` lines), so a French player does not meet English headings between French
/// paragraphs; playing in French shows them where the game puts them.
#[test]
fn the_shipped_french_translates_the_games_own_words_and_play_shows_them() {
    let french = po::load(None, "fr").unwrap();
    let english = butterfly::story::words::Words::default();
    let mut translated = std::collections::HashMap::new();
    for (id, source) in english.entries() {
        let line = french
            .get(id)
            .unwrap_or_else(|| panic!("`{id}` is not in story/l10n/fr.po"));
        assert!(!line.text.is_empty(), "`{id}` is not translated");
        assert_ne!(line.text, source, "`{id}` is still English");
        translated.insert(id, line.text.clone());
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let saves = elsewhere.path().join("saves");
    let run = common::butterfly_in(
        elsewhere.path(),
        &[
            "--saves",
            saves.to_str().unwrap(),
            "play",
            "--plain",
            "--lang",
            "fr",
            "--seed",
            "1",
        ],
        &"1\n".repeat(400),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let shows = |line: String| {
        assert!(
            lines.contains(&line.as_str()),
            "no `{line}` in:\n{}",
            run.stdout
        );
    };
    shows(format!(
        "{}{}",
        translated["game.content_note"],
        translated["game.separator"].trim_end()
    ));
    shows(format!("1. {}", translated["game.continue"]));
    assert!(
        lines.iter().any(|l| l.starts_with("ENDING: ")),
        "{}",
        run.stdout
    );
    // French typography: a non-breaking space before the colon, which the game does not
    // add itself (the heading and its colon come from the translation).
    assert_eq!(translated["game.separator"], "\u{a0}: ");
    shows(format!("— {} —", translated["game.afterword"]));
    shows(format!("— {} —", translated["game.credits"]));
    for english_word in [
        "Content note:",
        "1. Continue",
        "— Afterword —",
        "— Credits —",
    ] {
        assert!(
            !lines.contains(&english_word),
            "`{english_word}` shown in French"
        );
    }
}
