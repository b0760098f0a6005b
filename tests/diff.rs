//! Issue 18's acceptance: `tests/fixtures/forecast` edited in ten realistic ways. For
//! each edit, `butterfly diff` reports exactly the changes made and exactly which of a
//! set of recorded games survive or diverge (at which step, resuming where); then
//! loading each save in the edited story does what `diff` predicted, keeping the old
//! file as `<slot>.ron.pre-update` whenever choices are lost.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use butterfly::engine::{self, Step};
use butterfly::save::{self, SaveStore};
use butterfly::story::Story;
use butterfly::tools::diff::{self, Fate};

/// The recorded games, all with seed 1: (slot, path).
const SAVES: &[(&str, &[(&str, &str)])] = &[
    ("short", &[("porch", "go")]),
    (
        "radio_park",
        &[
            ("porch", "radio"),
            ("radio", "continue"),
            ("porch", "go"),
            ("street", "park"),
            ("park", "continue"),
        ],
    ),
    (
        "umbrella",
        &[
            ("porch", "umbrella"),
            ("porch_armed", "continue"),
            ("porch", "go"),
            ("street", "home"),
        ],
    ),
    (
        "cafe",
        &[
            ("porch", "go"),
            ("street", "kiosk"),
            ("kiosk", "continue"),
            ("street", "cafe"),
            ("cafe", "continue"),
        ],
    ),
    ("radio_only", &[("porch", "radio"), ("radio", "continue")]),
];

/// A save that diverges: (slot, 1-based step, choices kept, scene resumed in).
type Diverges = (&'static str, usize, usize, &'static str);

/// One edit: in `file`, replace `from` with `to` (each must occur exactly once).
struct Edit {
    name: &'static str,
    replace: &'static [(&'static str, &'static str, &'static str)],
    /// The report's changes, rendered, in order.
    changes: &'static str,
    /// The saves that lose progress; every other one survives.
    diverge: &'static [Diverges],
}

const PORCH_ARMED: &str = r#"        Scene(
            id: "porch_armed",
            text: ["You take the umbrella from its stand."],
            next: "porch",
        ),
"#;

const CAFE: &str = r#"        Scene(
            id: "cafe",
            place: "The café",
            text: ["You watch the rain begin from behind glass."],
            next: "sky",
        ),
"#;

const EDITS: &[Edit] = &[
    Edit {
        name: "a reworded paragraph",
        replace: &[("forecast.ron", "colour of tin", "colour of pewter")],
        changes: "~ scene `porch`\n    text: 1 paragraph changed\n",
        diverge: &[],
    },
    Edit {
        name: "a renamed choice",
        replace: &[(
            "forecast.ron",
            r#"Choice(id: "umbrella""#,
            r#"Choice(id: "brolly""#,
        )],
        changes: "~ scene `porch`\n    ~ choice `umbrella` renamed `brolly`\n",
        diverge: &[("umbrella", 1, 0, "porch")],
    },
    Edit {
        name: "a removed scene",
        replace: &[
            ("forecast.ron", PORCH_ARMED, ""),
            ("forecast.ron", r#"goto: "porch_armed""#, r#"goto: "porch""#),
        ],
        changes: "~ scene `porch`\n    ~ choice `umbrella`: goes to `porch_armed` -> `porch`\n\
                  - scene `porch_armed` (The Forecast, 1 route(s))\n",
        diverge: &[("umbrella", 2, 1, "porch")],
    },
    Edit {
        name: "a new variable",
        replace: &[
            (
                "header.ron",
                r#"Flag(name: "umbrella"),"#,
                r#"Flag(name: "umbrella"), Flag(name: "heard_forecast"),"#,
            ),
            (
                "forecast.ron",
                r#"effects: ["nerve += 1"]"#,
                r#"effects: ["nerve += 1", "heard_forecast = true"]"#,
            ),
        ],
        changes: "+ variable `heard_forecast` (flag, initially false)\n~ scene `porch`\n    \
                  ~ choice `radio`: effects [`nerve += 1`] -> [`nerve += 1`, `heard_forecast = true`]\n",
        diverge: &[],
    },
    Edit {
        name: "a changed condition",
        replace: &[(
            "forecast.ron",
            r#"when: "nerve >= 4""#,
            r#"when: "nerve >= 5""#,
        )],
        changes: "~ scene `street`\n    ~ choice `park`: condition `nerve >= 4` -> `nerve >= 5`\n",
        diverge: &[("radio_park", 4, 3, "street")],
    },
    Edit {
        name: "a changed effect",
        replace: &[("forecast.ron", "coins += 2", "coins += 1")],
        changes: "~ scene `street`\n    ~ choice `kiosk`: effects [`coins += 2`] -> [`coins += 1`]\n",
        diverge: &[("cafe", 2, 1, "street")],
    },
    Edit {
        name: "a new choice",
        replace: &[(
            "forecast.ron",
            r#"Choice(id: "home", label: "Turn for home", goto: "sky"),"#,
            r#"Choice(id: "home", label: "Turn for home", goto: "sky"),
                Choice(id: "bus", label: "Wait for the bus", goto: "sky"),"#,
        )],
        changes: "~ scene `street`\n    + choice `bus` -> `sky`\n",
        diverge: &[],
    },
    Edit {
        name: "a changed route",
        replace: &[(
            "forecast.ron",
            r#"Route(when: "umbrella", goto: "dry_end")"#,
            r#"Route(when: "umbrella and nerve >= 4", goto: "dry_end")"#,
        )],
        changes: "~ scene `sky`\n    routes: [`umbrella` => `dry_end`, `soaked_end`] -> \
                  [`umbrella and nerve >= 4` => `dry_end`, `soaked_end`]\n",
        // Every step still applies, but the game now ends elsewhere: the last step is
        // blamed and the game resumes before it.
        diverge: &[("umbrella", 4, 3, "street")],
    },
    Edit {
        name: "a new ending",
        replace: &[
            (
                "header.ron",
                r#"Ending(id: "dry", "#,
                r#"Ending(id: "stayed", title: "Stayed In"), Ending(id: "dry", "#,
            ),
            (
                "forecast.ron",
                r#"Choice(id: "go", label: "Set out", goto: "street"),"#,
                r#"Choice(id: "go", label: "Set out", goto: "street"),
                Choice(id: "stay", label: "Stay in", goto: "stay_end"),"#,
            ),
            (
                "forecast.ron",
                "    ],\n)",
                "        Scene(id: \"stay_end\", text: [\"You stay in.\"], ending: \"stayed\"),\n    ],\n)",
            ),
        ],
        changes: "+ ending `stayed` (Stayed In)\n~ scene `porch`\n    + choice `stay` -> `stay_end`\n\
                  + scene `stay_end` (The Forecast, ending `stayed`)\n",
        diverge: &[],
    },
    Edit {
        name: "a removed branch",
        replace: &[
            ("forecast.ron", CAFE, ""),
            (
                "forecast.ron",
                r#"                Choice(id: "cafe", label: "Sit in the café", goto: "cafe", when: "coins > 0", effects: ["coins -= 1"]),
"#,
                "",
            ),
        ],
        changes: "~ scene `street`\n    - choice `cafe` -> `cafe`\n- scene `cafe` (The Forecast, 1 route(s))\n",
        diverge: &[("cafe", 4, 3, "street")],
    },
];

fn fixture_dir() -> PathBuf {
    common::root().join("tests/fixtures/forecast")
}

/// A copy of the fixture with `edit` applied, in `to`.
fn edited(edit: &Edit, to: &Path) -> Story {
    common::copy_dir(&fixture_dir(), to);
    for (file, from, with) in edit.replace {
        let path = to.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(from).count(),
            1,
            "{}: `{from}` should occur once in {file}",
            edit.name
        );
        fs::write(&path, text.replacen(from, with, 1)).unwrap();
    }
    common::load_dir(to)
}

fn steps(path: &[(&str, &str)]) -> Vec<Step> {
    path.iter()
        .map(|(scene, choice)| Step {
            scene: (*scene).to_owned(),
            choice: (*choice).to_owned(),
        })
        .collect()
}

/// Every game of [`SAVES`] saved in `old` to a fresh store in `dir`.
fn record_saves(old: &Story, dir: &Path) -> SaveStore {
    let store = SaveStore::new(dir.to_owned());
    for (slot, path) in SAVES {
        let state = engine::replay(old, 1, &steps(path)).expect("every game plays in OLD");
        store.save(slot, old, &state, Duration::ZERO).unwrap();
    }
    store
}

#[test]
fn diff_reports_each_of_ten_edits_and_predicts_every_save_and_loading_agrees() {
    let old = common::load_dir(&fixture_dir());
    for edit in EDITS {
        let tmp = tempfile::tempdir().unwrap();
        let new = edited(edit, &tmp.path().join("story"));

        let changes: String = diff::diff_stories(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(changes, edit.changes, "{}: the reported changes", edit.name);

        let store = record_saves(&old, &tmp.path().join("saves"));
        for (slot, path) in SAVES {
            let file_path = store.slot_path(slot).unwrap();
            let file = save::read_file(&file_path).unwrap();
            let prediction = diff::predict(slot, &file, &old, &new);
            let expected = edit.diverge.iter().find(|d| d.0 == *slot);
            // What diff predicts...
            match (&prediction.fate, expected) {
                (Fate::Survives { steps }, None) => assert_eq!(*steps, path.len()),
                (Fate::Diverges(m), Some(&(_, step, kept, scene))) => {
                    assert_eq!(
                        (m.divergence.step + 1, m.kept, m.scene.as_str(), m.recorded),
                        (step, kept, scene, path.len()),
                        "{}: {slot}",
                        edit.name
                    );
                }
                (fate, want) => panic!("{}: {slot}: predicted {fate:?}, want {want:?}", edit.name),
            }
            // ...is what loading it in the edited story does.
            let before = fs::read(&file_path).unwrap();
            let loaded = store.load_to_play(slot, &new).unwrap();
            let backup = file_path.with_extension("ron.pre-update");
            match &prediction.fate {
                Fate::Diverges(m) => {
                    assert_eq!(
                        loaded.migration.as_ref(),
                        Some(&**m),
                        "{}: {slot}",
                        edit.name
                    );
                    assert_eq!(loaded.state.path.len(), m.kept);
                    assert_eq!(loaded.state.scene, m.scene);
                    assert_eq!(loaded.backup.as_deref(), Some(backup.as_path()));
                    assert_eq!(
                        fs::read(&backup).unwrap(),
                        before,
                        "the backup is the old file"
                    );
                }
                _ => {
                    assert_eq!(loaded.migration, None, "{}: {slot}", edit.name);
                    assert_eq!(loaded.state.path, steps(path));
                    assert!(!backup.exists(), "nothing lost, nothing copied");
                }
            }
            assert_eq!(
                fs::read(&file_path).unwrap(),
                before,
                "loading never changes a slot"
            );
        }
    }
}

#[test]
fn the_diff_command_exits_1_exactly_when_a_save_would_lose_progress() {
    let old = common::load_dir(&fixture_dir());
    for (edit, code) in [(&EDITS[0], 0), (&EDITS[4], 1)] {
        let tmp = tempfile::tempdir().unwrap();
        let new_dir = tmp.path().join("story");
        edited(edit, &new_dir);
        let saves = tmp.path().join("saves");
        record_saves(&old, &saves);
        let run = common::butterfly(
            &[
                "diff",
                fixture_dir().to_str().unwrap(),
                new_dir.to_str().unwrap(),
                "--saves",
                saves.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(
            run.code, code,
            "{}: {}{}",
            edit.name, run.stdout, run.stderr
        );
        assert!(
            run.stdout
                .contains("ok    short.ron: still replays (1 choices)")
        );
        if code == 1 {
            assert!(
                run.stdout.contains(
                    "LOSES radio_park.ron: diverges at step 4 (scene `street`, choice `park`)"
                ),
                "{}",
                run.stdout
            );
            assert!(
                run.stdout
                    .contains("1 of 5 recording(s) would lose progress")
            );
        }
    }
}

#[test]
fn without_saves_diff_checks_the_witnesses_of_the_old_story() {
    let tmp = tempfile::tempdir().unwrap();
    let new_dir = tmp.path().join("story");
    // The renamed choice is on the only way to the dry ending.
    edited(&EDITS[1], &new_dir);
    let run = common::butterfly(
        &[
            "diff",
            fixture_dir().to_str().unwrap(),
            new_dir.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("saves (the witnesses `explore` finds in OLD):")
    );
    assert!(
        run.stdout
            .contains("LOSES dry: diverges at step 1 (scene `porch`, choice `umbrella`)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("ok    soaked: still replays"),
        "{}",
        run.stdout
    );
}

#[test]
fn plain_play_tells_the_player_what_the_update_cost_and_keeps_the_old_save() {
    let old = common::load_dir(&fixture_dir());
    let tmp = tempfile::tempdir().unwrap();
    let new_dir = tmp.path().join("story");
    edited(&EDITS[4], &new_dir); // the park needs more nerve now
    let saves = tmp.path().join("saves");
    record_saves(&old, &saves);
    let run = common::butterfly(
        &[
            "--story",
            new_dir.to_str().unwrap(),
            "--saves",
            saves.to_str().unwrap(),
            "play",
            "--plain",
        ],
        "load radio_park\nquit\n",
    );
    assert!(
        run.stdout.contains(
            "The story was updated; you are back at The Forecast (The street), 2 choices earlier."
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("radio_park.ron.pre-update"),
        "{}",
        run.stdout
    );
    let kept = saves.join("radio_park.ron.pre-update");
    assert_eq!(
        fs::read(kept).unwrap(),
        fs::read(saves.join("radio_park.ron")).unwrap()
    );
}
