//! `butterfly check`, run as the real binary on one broken story per checker rule.
//!
//! Each fixture under `tests/fixtures/broken/<rule>/` is a header and a chapter (more
//! files where the rule needs them). Every test asserts the exact headline of every
//! diagnostic (`path:line:col: severity[code]: message`), that each position points at
//! the offending token in the file (read back independently of the checker), the
//! summary line and the exit code: 1 with errors, 0 with warnings only, 2 when the
//! checker cannot run at all.

mod common;

use std::path::Path;

use common::{Run, copy_dir, root};

fn butterfly(args: &[&str]) -> Run {
    common::butterfly(args, "")
}

/// The first line of every diagnostic.
fn headlines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| (l.contains(": error: ") || l.contains(": warning: ")) && !l.starts_with(' '))
        .collect()
}

/// The text of `file` from 1-based `line` and character `col` to the end of that line.
fn text_at(file: &Path, line: usize, col: usize) -> String {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    let text = String::from_utf8_lossy(&bytes);
    let l = text
        .split('\n')
        .nth(line - 1)
        .unwrap_or_else(|| panic!("{}: no line {line}", file.display()));
    l.chars().skip(col - 1).collect()
}

/// One expected diagnostic: `file:line:col` (relative to the fixture), the rest of the
/// headline, and what the file holds at that position.
type Expected<'a> = (&'a str, &'a str, &'a str);

/// Runs `check` on a broken fixture and asserts everything it prints.
fn assert_check(rule: &str, expected: &[Expected<'_>], summary: &str, code: i32) -> Run {
    let dir = format!("tests/fixtures/broken/{rule}");
    let run = butterfly(&["check", &dir]);
    assert_eq!(run.stderr, "", "{rule}: nothing on stderr");
    let want: Vec<String> = expected
        .iter()
        .map(|(at, head, _)| {
            if *at == "story" {
                format!("story: {head}")
            } else {
                format!("{dir}/{at}: {head}")
            }
        })
        .collect();
    assert_eq!(
        headlines(&run.stdout),
        want,
        "{rule}: every problem, in order\n{}",
        run.stdout
    );
    for (at, _, token) in expected {
        if *at == "story" {
            continue;
        }
        let mut parts = at.split(':');
        let (file, line, col) = (
            parts.next().unwrap(),
            parts.next().unwrap().parse().unwrap(),
            parts.next().unwrap().parse().unwrap(),
        );
        let found = text_at(&root().join(&dir).join(file), line, col);
        assert!(
            found.starts_with(token),
            "{rule}: {at} should point at {token:?}, but the file has {found:?} there"
        );
    }
    assert_eq!(
        run.stdout.lines().last(),
        Some(summary),
        "{rule}: summary line"
    );
    assert_eq!(run.code, code, "{rule}: exit code\n{}", run.stdout);
    run
}

fn assert_hints(run: &Run, hints: &[&str]) {
    for h in hints {
        assert!(
            run.stdout.contains(&format!("  = hint: {h}")),
            "missing hint {h:?} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn ron_syntax_errors_in_every_file_are_reported() {
    let run = assert_check(
        "ron_syntax",
        &[
            (
                "chapter.ron:3:5",
                "error: RON syntax error: expected a comma [E0014]",
                "date:",
            ),
            (
                "header.ron:4:12",
                "error: RON syntax error: expected string [E0014]",
                "start,",
            ),
        ],
        "checked 2 files: 0 scenes, 0 choices, 0 words, 0 endings; 2 errors, 0 warnings",
        1,
    );
    assert_hints(
        &run,
        &["a `,` is probably missing at the end of the previous field or item"],
    );
}

#[test]
fn unknown_fields_are_errors_with_the_right_spelling() {
    let run = assert_check(
        "unknown_field",
        &[
            (
                "chapter.ron:10:24",
                "error: unknown field `lable` in `Choice` [E0010]",
                "lable:",
            ),
            (
                "header.ron:3:5",
                "error: unknown field `titel` in `Story` [E0010]",
                "titel:",
            ),
        ],
        "checked 2 files: 0 scenes, 0 choices, 0 words, 0 endings; 2 errors, 0 warnings",
        1,
    );
    assert_hints(
        &run,
        &[
            "did you mean `label`? (fields: id, label, goto, detour, when, disabled, effects, once, chance, tags)",
            "did you mean `title`? (fields: id, title, subtitle, start, content_note, variables, endings, effects, conditions, afterword, credits)",
        ],
    );
}

#[test]
fn duplicate_scene_ids_across_and_within_files() {
    let run = assert_check(
        "duplicate_scene",
        &[
            (
                "chapter_b.ron:7:19",
                "error: scene `hall` is defined twice [E0108]",
                "\"hall\", text: [\"Another",
            ),
            (
                "chapter_b.ron:8:19",
                "error: scene `twice` is defined twice [E0108]",
                "\"twice\", text: [\"Twice.\"]",
            ),
        ],
        "checked 3 files: 3 scenes, 2 choices, 9 words, 1 ending; 2 errors, 0 warnings",
        1,
    );
    // The first definition is shown as a snippet of its own, at the same kind of
    // position as the error.
    for first in [
        "  ::: tests/fixtures/broken/duplicate_scene/chapter_a.ron:14:19\n",
        " ::: tests/fixtures/broken/duplicate_scene/chapter_b.ron:6:19\n",
    ] {
        assert!(run.stdout.contains(first), "{first:?} in\n{}", run.stdout);
    }
    assert_eq!(
        run.stdout.matches("first defined here").count(),
        2,
        "{}",
        run.stdout
    );
    let first = text_at(
        &root().join("tests/fixtures/broken/duplicate_scene/chapter_a.ron"),
        14,
        19,
    );
    assert!(
        first.starts_with("\"hall\", text: [\"A hall.\"]"),
        "{first}"
    );
}

#[test]
fn duplicate_choice_ids_point_at_the_second_choice() {
    let run = assert_check(
        "duplicate_choice",
        &[
            (
                "chapter.ron:11:28",
                "error: choice id `go` is used twice in scene `start` [E0307]",
                "\"go\", label: \"Go right\"",
            ),
            // Derived ids: the third choice (`id: "go"`, goto left) does not count, the
            // fourth repeats the third's derived id `left`.
            (
                "chapter.ron:13:52",
                "error: choice id `left` is used twice in scene `start` [E0307]",
                "\"left\", effects: [\"seen = true\"]",
            ),
            // An extension may not reuse an id either, and the error is in the extension.
            (
                "chapter.ron:22:24",
                "error: choice id `go` is already used in scene `start` [E0112]",
                "\"go\", label: \"Go anywhere\"",
            ),
            // Warnings are shown beside errors.
            (
                "header.ron:7:20",
                "warning: variable `seen` is never changed [W0403]",
                "\"seen\"",
            ),
        ],
        "checked 2 files: 3 scenes, 3 choices, 14 words, 1 ending; 3 errors, 1 warning",
        1,
    );
    assert_hints(
        &run,
        &[
            "choice ids must be unique within their scene",
            "two choices lead to the same scene: give one an explicit `id:`",
            // It has an `id:` already: the hint says to rename it, not to add one.
            "choice ids must be unique within their scene: rename this `id:`",
        ],
    );
}

#[test]
fn every_missing_target_is_reported() {
    let run = assert_check(
        "missing_target",
        &[
            (
                "chapter.ron:10:43",
                "error: `goto` leads to scene `nowhere`, which does not exist [E0301]",
                "\"nowhere\"",
            ),
            (
                "chapter.ron:11:72",
                "error: no scene `hallway` exists [E0301]",
                "hallway) > 0",
            ),
            (
                "chapter.ron:13:49",
                "error: `goto` leads to scene `pit`, which does not exist [E0301]",
                "\"pit\"",
            ),
            (
                "chapter.ron:16:52",
                "error: `next` leads to scene `hal`, which does not exist [E0301]",
                "\"hal\"",
            ),
            // Reachability runs beside the errors, over the targets that resolve.
            (
                "chapter.ron:18:17",
                "warning: scene `junction` cannot be reached from the start [W0401]",
                "\"junction\"",
            ),
            (
                "chapter.ron:20:43",
                "error: `goto` leads to scene `attic`, which does not exist [E0301]",
                "\"attic\"",
            ),
            (
                "chapter.ron:24:19",
                "warning: scene `last` cannot be reached from the start [W0401]",
                "\"last\"",
            ),
            (
                "chapter.ron:24:52",
                "error: ending `the_end` is not declared [E0311]",
                "\"the_end\"",
            ),
            (
                "header.ron:10:20",
                "warning: no path reaches ending `end` [W0402]",
                "\"end\"",
            ),
        ],
        "checked 2 files: 4 scenes, 3 choices, 14 words, 1 ending; 6 errors, 3 warnings",
        1,
    );
    assert_hints(
        &run,
        &[
            "did you mean `hall`?",
            "`visits(...)` takes the id of a scene in this story",
            "define a scene with this id, or fix the target",
            "declare it with `Ending(id: ..., title: ..., epilogue: [...])` in `endings: [...]`",
        ],
    );
}

#[test]
fn extensions_of_missing_or_choiceless_scenes() {
    let run = assert_check(
        "missing_extend",
        &[
            (
                "chapter.ron:17:23",
                "error: `extend` names scene `strat`, which does not exist [E0110]",
                "\"strat\"",
            ),
            (
                "chapter.ron:20:23",
                "error: `extend` names scene `cellar`, which does not exist [E0110]",
                "\"cellar\"",
            ),
            (
                "chapter.ron:23:23",
                "error: scene `hall` does not end in choices, so it cannot be extended [E0111]",
                "\"hall\"",
            ),
        ],
        "checked 2 files: 3 scenes, 1 choice, 11 words, 1 ending; 3 errors, 0 warnings",
        1,
    );
    assert_hints(
        &run,
        &[
            "did you mean `start`?",
            "extend a scene that has `choices: [...]`",
        ],
    );
}

#[test]
fn unknown_variables_everywhere_an_expression_goes() {
    let run = assert_check(
        "unknown_variable",
        &[
            (
                "chapter.ron:8:25",
                "error: unknown variable `visited` [E0202]",
                "visited += 1",
            ),
            (
                "chapter.ron:10:25",
                "error: unknown variable `scor` [E0202]",
                "scor}",
            ),
            (
                "chapter.ron:11:22",
                "error: unknown variable `seenn` [E0202]",
                "seenn:",
            ),
            (
                "chapter.ron:14:59",
                "error: unknown variable `scroe` [E0202]",
                "scroe > 3",
            ),
            (
                "chapter.ron:15:78",
                "error: unknown variable `bonus` [E0202]",
                "bonus\"",
            ),
            (
                "chapter.ron:15:87",
                "error: unknown variable `sen` [E0202]",
                "sen = true",
            ),
        ],
        "checked 2 files: 2 scenes, 2 choices, 8 words, 1 ending; 6 errors, 0 warnings",
        1,
    );
    // Typos, transpositions included, get a suggestion.
    assert_hints(
        &run,
        &[
            "did you mean `score`?",
            "did you mean `seen`?",
            "declare it in `variables: [...]` of the header or a chapter",
        ],
    );
}

#[test]
fn flags_used_as_numbers_and_numbers_as_conditions() {
    let run = assert_check(
        "mistyped_variable",
        &[
            (
                "chapter.ron:9:22",
                "error: a condition must be true or false, found a number [E0203]",
                "score: A number",
            ),
            (
                "chapter.ron:12:75",
                "error: a condition must be true or false, found a number [E0203]",
                "score\"",
            ),
            (
                "chapter.ron:13:79",
                "error: `>` needs a number on its left, found a flag (true/false) [E0203]",
                "seen > 3",
            ),
            (
                "chapter.ron:14:84",
                "error: `seen` is a flag: it cannot be added to [E0203]",
                "+= 1",
            ),
            (
                "chapter.ron:14:100",
                "error: `score` is a number but this value is a flag (true/false) [E0203]",
                "true\"",
            ),
            (
                "chapter.ron:14:116",
                "error: `score` is a number but this value is a flag (true/false) [E0203]",
                "seen\"",
            ),
            (
                "chapter.ron:15:81",
                "error: cannot compare a number with a flag (true/false) [E0203]",
                "== seen",
            ),
        ],
        "checked 2 files: 2 scenes, 4 choices, 6 words, 1 ending; 7 errors, 0 warnings",
        1,
    );
    assert_hints(
        &run,
        &[
            "compare it, e.g. `devotion >= 60`",
            "write `seen = true` or `seen = false`",
            "compare numbers with numbers and flags with flags",
        ],
    );
}

#[test]
fn expression_syntax_errors_point_at_their_character() {
    let run = assert_check(
        "expr_syntax",
        &[
            (
                "chapter.ron:10:76",
                "error: expected a value, found the end of the expression [E0201]",
                "\"),",
            ),
            (
                "chapter.ron:11:77",
                "error: `&&` is not an operator here [E0201]",
                "&& seen",
            ),
            (
                "chapter.ron:12:73",
                "error: unexpected `=` after a complete expression [E0201]",
                "= 3",
            ),
            (
                "chapter.ron:13:77",
                "error: expected `)`, found the end of the expression [E0201]",
                "\"),",
            ),
            (
                "chapter.ron:14:81",
                "error: expected `=`, `+=` or `-=`, found `+` [E0201]",
                "+ 1",
            ),
            (
                "chapter.ron:14:93",
                "error: `==` compares; an effect assigns [E0201]",
                "== true",
            ),
            (
                "chapter.ron:15:83",
                "error: expected `:` after the condition, found `score` [E0201]",
                "score += 1",
            ),
        ],
        "checked 2 files: 2 scenes, 6 choices, 11 words, 1 ending; 7 errors, 0 warnings",
        1,
    );
    assert_hints(
        &run,
        &[
            "write `and`",
            "to compare, write `==`",
            "every `(` needs a matching `)`",
            "write `=` to set a value",
            "write `if CONDITION: name += 1`",
        ],
    );
}

#[test]
fn a_missing_start_scene_suggests_the_near_miss() {
    let run = assert_check(
        "missing_start",
        &[(
            "header.ron:4:12",
            "error: the start scene `strat` does not exist [E0113]",
            "\"strat\"",
        )],
        "checked 2 files: 2 scenes, 1 choice, 8 words, 1 ending; 1 error, 0 warnings",
        1,
    );
    assert_hints(&run, &["did you mean `start`?"]);
}

#[test]
fn scenes_with_no_way_out() {
    assert_check(
        "no_way_out",
        &[
            (
                "chapter.ron:16:19",
                "error: scene `empty` has an empty `choices` list: the player would be stuck [E0308]",
                "\"empty\"",
            ),
            (
                "chapter.ron:18:17",
                "error: scene `fork` has no fallback route: when no condition holds the player is stuck [E0309]",
                "\"fork\"",
            ),
            (
                "chapter.ron:24:19",
                "error: scene `dead_end` has no way out [E0312]",
                "\"dead_end\"",
            ),
            (
                "chapter.ron:25:19",
                "error: scene `both` has more than one way of ending [E0306]",
                "\"both\"",
            ),
            (
                "header.ron:10:20",
                "warning: no path reaches ending `end` [W0402]",
                "\"end\"",
            ),
        ],
        "checked 2 files: 5 scenes, 4 choices, 19 words, 1 ending; 4 errors, 1 warning",
        1,
    );
}

#[test]
fn unreachable_scenes_are_warnings_and_exit_zero() {
    assert_check(
        "unreachable_scene",
        &[
            (
                "chapter.ron:14:19",
                "warning: scene `island` cannot be reached from the start [W0401]",
                "\"island\"",
            ),
            (
                "chapter.ron:15:19",
                "warning: scene `lagoon` cannot be reached from the start [W0401]",
                "\"lagoon\"",
            ),
        ],
        "checked 2 files: 4 scenes, 1 choice, 13 words, 1 ending; 0 errors, 2 warnings",
        0,
    );
}

#[test]
fn junctions_that_loop_through_routes_alone_are_warned_about() {
    assert_check(
        "junction_loop",
        &[(
            "chapter.ron:13:19",
            "warning: junction `spin` can lead back to itself through routes alone [W0406]",
            "\"spin\"",
        )],
        "checked 2 files: 4 scenes, 1 choice, 8 words, 1 ending; 0 errors, 1 warning",
        0,
    );
}

#[test]
fn unreached_endings_are_warnings() {
    assert_check(
        "unreachable_ending",
        &[
            (
                "chapter.ron:6:20",
                "warning: no path reaches ending `lost` [W0402]",
                "\"lost\", title",
            ),
            (
                "chapter.ron:17:19",
                "warning: scene `lost_scene` cannot be reached from the start [W0401]",
                "\"lost_scene\"",
            ),
            (
                "header.ron:10:20",
                "warning: no path reaches ending `secret` [W0402]",
                "\"secret\"",
            ),
        ],
        "checked 2 files: 3 scenes, 1 choice, 20 words, 3 endings; 0 errors, 3 warnings",
        0,
    );
}

#[test]
fn variables_never_read_or_never_written() {
    assert_check(
        "unused_variable",
        &[
            // Neither read nor written: one warning of its own, not two.
            (
                "chapter.ron:5:27",
                "warning: variable `chapter_var` is never used [W0407]",
                "\"chapter_var\"",
            ),
            (
                "header.ron:7:19",
                "warning: variable `written_only` is written but never read [W0404]",
                "\"written_only\"",
            ),
            (
                "header.ron:8:20",
                "warning: variable `read_only` is never changed [W0403]",
                "\"read_only\"",
            ),
            (
                "header.ron:9:20",
                "warning: variable `ignored` is never used [W0407]",
                "\"ignored\"",
            ),
        ],
        "checked 2 files: 2 scenes, 1 choice, 10 words, 1 ending; 0 errors, 4 warnings",
        0,
    );
}

#[test]
fn a_file_that_is_not_utf8_is_located_at_the_first_bad_byte() {
    let run = assert_check(
        "non_utf8",
        &[(
            "latin1.ron:4:16",
            "error: file is not valid UTF-8 [E0004]",
            "\u{FFFD} de Flore",
        )],
        "checked 3 files: 2 scenes, 1 choice, 8 words, 1 ending; 1 error, 0 warnings",
        1,
    );
    assert!(
        run.stdout
            .contains("4 |     place: \"Caf\u{FFFD} de Flore\","),
        "{}",
        run.stdout
    );
    assert_hints(&run, &["save the file as UTF-8 text"]);
}

#[test]
fn empty_and_comment_only_files() {
    assert_check(
        "empty_file",
        &[
            (
                "comment_only.ron:1:1",
                "error: file is empty [E0005]",
                "// Only a comment",
            ),
            ("empty.ron:1:1", "error: file is empty [E0005]", ""),
        ],
        "checked 4 files: 2 scenes, 1 choice, 8 words, 1 ending; 2 errors, 0 warnings",
        1,
    );
}

#[test]
fn truncated_files_are_called_truncated() {
    let run = assert_check(
        "truncated",
        &[
            (
                "cut_after_field.ron:9:27",
                "error: the file ends too early: unexpected end of RON [E0013]",
                "",
            ),
            (
                "cut_in_list.ron:5:14",
                "error: the file ends too early: expected opening `(` for struct `Scene` [E0013]",
                "",
            ),
            (
                "cut_in_string.ron:8:20",
                "error: the file ends inside this string: its closing `\"` is missing [E0013]",
                "\"The file ends in the ",
            ),
        ],
        "checked 5 files: 2 scenes, 1 choice, 8 words, 1 ending; 3 errors, 0 warnings",
        1,
    );
    assert_hints(
        &run,
        &["the file looks truncated: check for a missing `)`, `]` or closing quote"],
    );
    // The two cut after a token point just past it, at the end of the last line.
    for (file, line, last) in [
        ("cut_after_field.ron", 9, "next: \"start\","),
        ("cut_in_list.ron", 5, "scenes: ["),
    ] {
        let path = root().join("tests/fixtures/broken/truncated").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), line, "{file}");
        assert!(text.lines().last().unwrap().ends_with(last), "{file}");
    }
}

#[test]
fn a_story_without_a_header_does_not_drown_in_echo_errors() {
    let run = assert_check(
        "missing_header",
        &[
            (
                "story",
                "error: the story has no `Story(...)` header file [E0102]",
                "",
            ),
            // The ending `end` would be declared in the header: not an error of its own.
            (
                "story",
                "warning: 1 reference(s) to scenes, variables or endings were not checked [W0015]",
                "",
            ),
        ],
        "checked 2 files: 0 scenes, 0 choices, 0 words, 0 endings; 1 error, 1 warning",
        1,
    );
    assert!(!run.stdout.contains("E0311"), "{}", run.stdout);
}

#[test]
fn text_markup_errors() {
    let run = assert_check(
        "text_markup",
        &[
            (
                "chapter.ron:9:24",
                "error: `{` is never closed [E0204]",
                "{score\"",
            ),
            (
                "chapter.ron:10:26",
                "error: `}` without a matching `{` [E0204]",
                "} brace",
            ),
            (
                "chapter.ron:11:19",
                "error: `{if` needs a `:` after its condition [E0204]",
                "if seen You",
            ),
            (
                "chapter.ron:12:18",
                "error: empty `{}` block [E0204]",
                "{} is empty",
            ),
            (
                "chapter.ron:13:18",
                "error: `{` is never closed [E0204]",
                "{~rain|snow",
            ),
            (
                "chapter.ron:14:34",
                "error: `{if}` has more than two branches [E0204]",
                "| c}",
            ),
            (
                "chapter.ron:15:19",
                "error: `{score + 1}` is not a variable, condition or variant block [E0204]",
                "score + 1}",
            ),
            (
                "chapter.ron:18:35",
                "error: `{` is never closed [E0204]",
                "{on\"",
            ),
            (
                "header.ron:10:62",
                "error: `{` is never closed [E0204]",
                "{if seen: twice.",
            ),
        ],
        "checked 2 files: 2 scenes, 1 choice, 1 word, 1 ending; 9 errors, 0 warnings",
        1,
    );
    assert_hints(
        &run,
        &[
            "close the block with `}` (or write `{{` for a brace)",
            "write `}}` for a literal brace",
        ],
    );
}

#[test]
fn a_diagnostic_quotes_its_line_and_underlines_the_token() {
    let run = butterfly(&["check", "tests/fixtures/broken/missing_start"]);
    let want = "\
tests/fixtures/broken/missing_start/header.ron:4:12: error: the start scene `strat` does not exist [E0113]
  |
4 |     start: \"strat\",
  |            ^^^^^^^
  |
  = hint: did you mean `start`?
";
    assert!(run.stdout.starts_with(want), "{}", run.stdout);
}

#[test]
fn story_option_names_the_directory_too() {
    let a = butterfly(&["check", "tests/fixtures/broken/missing_start"]);
    let b = butterfly(&["--story", "tests/fixtures/broken/missing_start", "check"]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.code, b.code);
}

#[test]
fn a_missing_directory_exits_2() {
    let run = butterfly(&["check", "tests/fixtures/no_such_story"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "butterfly: story directory `tests/fixtures/no_such_story` does not exist\n"
    );
    let run = butterfly(&["check", "Cargo.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "butterfly: `Cargo.toml` is not a directory\n");
}

#[test]
fn a_directory_without_story_files_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a story").unwrap();
    let run = butterfly(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_eq!(
        headlines(&run.stdout),
        ["story: error: no story files (*.ron) found [E0002]"]
    );
    assert!(run.stdout.ends_with(
        "checked 0 files: 0 scenes, 0 choices, 0 words, 0 endings; 1 error, 0 warnings\n"
    ));
}

#[test]
fn a_broken_header_does_not_bury_its_one_error() {
    // One missing comma in the header used to be followed by an error for every
    // variable use in every chapter.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/full"), dir.path());
    let header = dir.path().join("header.ron");
    let text = std::fs::read_to_string(&header).unwrap();
    std::fs::write(
        &header,
        text.replace("title: \"The Fixture\",", "title: \"The Fixture\""),
    )
    .unwrap();
    let run = butterfly(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    // The variables and endings the broken header declares are read off its text, so
    // their uses resolve: no echo errors, and nothing left unchecked to warn about.
    let heads = headlines(&run.stdout);
    assert_eq!(heads.len(), 1, "{}", run.stdout);
    assert!(
        heads[0].ends_with("header.ron:5:5: error: RON syntax error: expected a comma [E0014]"),
        "{}",
        heads[0]
    );
}

#[test]
fn the_full_fixture_is_clean() {
    let run = butterfly(&["check", "tests/fixtures/full"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "checked 4 files: 10 scenes, 7 choices, 121 words, 1 ending; 0 errors, 0 warnings\n"
    );
}

#[test]
fn the_shipped_story_has_no_errors() {
    let run = butterfly(&["check", "story"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        headlines(&run.stdout)
            .iter()
            .all(|l| !l.contains(": error: ")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.lines().last().unwrap().contains("; 0 errors, "),
        "{}",
        run.stdout
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    // Issue 15: one missing comma in one file used to hide every other mistake.
    let run = assert_check(
        "many_at_once",
        &[
            // The goto into the file that does not parse resolves (the scene is read
            // off its text), so only the real typo is reported.
            (
                "a_main.ron:11:45",
                "error: `goto` leads to scene `halway`, which does not exist [E0301]",
                "\"halway\"",
            ),
            // The caret is on the percent, not on the chance's `goto`.
            (
                "a_main.ron:13:39",
                "error: a chance of 150% is not a chance [E0302]",
                "150",
            ),
            // `mood` is declared in the broken file: a near miss of it still is not.
            (
                "a_main.ron:14:79",
                "error: unknown variable `moood` [E0202]",
                "moood += 1",
            ),
            (
                "b_broken.ron:4:5",
                "error: RON syntax error: expected a comma [E0014]",
                "place: \"There\"",
            ),
            // Two independent errors of one scene, both in one run.
            (
                "c_bare.ron:4:19",
                "error: scene `bare` has no date label [E0305]",
                "\"bare\"",
            ),
            (
                "c_bare.ron:4:19",
                "error: scene `bare` has no place label [E0305]",
                "\"bare\"",
            ),
            // Warnings beside errors; reachability over what loaded, marked partial.
            (
                "c_bare.ron:4:19",
                "warning: scene `bare` cannot be reached from the start [W0401]",
                "\"bare\"",
            ),
        ],
        "checked 4 files: 3 scenes, 4 choices, 14 words, 1 ending; 6 errors, 1 warning",
        1,
    );
    assert!(
        run.stdout
            .contains("(partial: 1 file(s) did not load, and a path may pass through them)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("W0015"), "{}", run.stdout);
}

#[test]
fn choices_that_change_nothing_are_warned_about() {
    // Issue 11: a menu whose options share target and effects offers no real choice.
    assert_check(
        "idle_choice",
        &[(
            "chapter.ron:11:55",
            "warning: choices `agree` and `nod` of scene `start` lead to the same scene with the same effects [W0408]",
            "\"dinner\", effects: [\"devotion += 1\"]),",
        )],
        "checked 2 files: 2 scenes, 4 choices, 15 words, 1 ending; 0 errors, 1 warning",
        0,
    );
}

/// On a terminal the severity is coloured (unless `NO_COLOR` is set in the environment
/// the tests run in); every other test reads `check` through a pipe, and finds no colour.
#[cfg(unix)]
#[test]
fn check_colours_its_output_on_a_terminal_only() {
    let saves = tempfile::tempdir().unwrap();
    let g = common::pty::Game::start(
        &["check", "tests/fixtures/broken/missing_start"],
        saves.path(),
    );
    let raw = std::sync::Arc::clone(&g.raw);
    let (status, screen) = g.wait_exit();
    assert_eq!(status.exit_code(), 1);
    assert!(
        screen
            .contents()
            .contains("the start scene `strat` does not exist")
    );
    let raw = String::from_utf8_lossy(&raw.lock().unwrap()).into_owned();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    assert_eq!(
        raw.contains("\u{1b}[1;91merror\u{1b}[0m"),
        !no_color,
        "{raw:?}"
    );
    let piped = butterfly(&["check", "tests/fixtures/broken/missing_start"]);
    assert!(!piped.stdout.contains('\u{1b}'), "{:?}", piped.stdout);
}

#[test]
fn an_extend_typo_reports_the_branch_it_cut_off() {
    // Issue 15: an `extend` typo that cut off a whole branch produced no warnings,
    // because the lints only ran on a story without errors.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/full"), dir.path());
    let ext = dir.path().join("chapters/c_extension.ron");
    let text = std::fs::read_to_string(&ext).unwrap();
    std::fs::write(
        &ext,
        text.replace("Extend(scene: \"yard\"", "Extend(scene: \"yrad\""),
    )
    .unwrap();
    let run = butterfly(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let heads: Vec<String> = headlines(&run.stdout)
        .iter()
        .map(|h| {
            h.rsplit_once("/chapters/")
                .map_or(h.to_string(), |(_, t)| t.to_owned())
        })
        .collect();
    assert_eq!(
        heads,
        [
            "c_extension.ron:9:17: warning: scene `fox` cannot be reached from the start [W0401]",
            "c_extension.ron:16:23: error: `extend` names scene `yrad`, which does not exist [E0110]",
        ],
        "{}",
        run.stdout
    );
    // The variable the lost extension read is not called unread: that is unknown.
    assert!(!run.stdout.contains("saw_fox"), "{}", run.stdout);
}
