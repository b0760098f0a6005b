//! `butterfly graph` as a readable map (issue 15): one chapter at a time with stubs for
//! the ways in and out, scenes labelled by how they begin, endings by their titles,
//! parallel ways drawn as one edge, and `--svg` running Graphviz itself — checked with
//! a stand-in `dot` on a PATH of the test's own, so the exact invocation and every
//! failure are seen.

mod common;

use butterfly::tools::graph::{EdgeKind, Graph, NodeKind};
use common::{command, fixture, load_files, real_story, run};

// ----------------------------------------------------------------------- the model

#[test]
fn scenes_are_labelled_by_their_first_words_cut_at_a_word() {
    let story = fixture();
    let g = Graph::of(&story);
    let node = |id: &str| g.nodes.iter().find(|n| n.id == id).unwrap();
    // `{~rusted|...}` shows its first option, `{courage}` its name; cut before 40.
    assert_eq!(
        node("gate").excerpt,
        "You stand at a rusted gate with courage…"
    );
    // A conditional passage is left out of the excerpt...
    assert_eq!(node("yard").excerpt, "The yard is quiet.");
    assert_eq!(node("fox").excerpt, "A fox watches you from the hedge.");
    // ...short paragraphs are whole, junctions have none, endings show their title.
    assert_eq!(node("well").excerpt, "The coin falls a long time.");
    assert_eq!(node("crossroads").excerpt, "");
    assert_eq!(node("home").kind, NodeKind::Ending("Home Again".into()));
    let dot = g.dot();
    assert!(dot.contains(
        "\"gate\" [label=\"gate\\nSTART\\nYou stand at a rusted gate with courage…\", style=\"rounded,bold\""
    ));
    assert!(dot.contains("\"home\" [label=\"home\\nENDING: Home Again\", shape=doubleoctagon"));
}

/// A header for the small stories below: start at `a`, one flag `f`, one ending `e`.
const FLAG_AND_ONE_ENDING: &str = r#"Story(id: "q", title: "Q", start: "a",
    variables: [Flag(name: "f")],
    endings: [Ending(id: "e", title: "E")])"#;

#[test]
fn a_paragraph_that_is_only_a_condition_or_one_long_word_still_gets_an_excerpt() {
    let long = "x".repeat(100);
    let loaded = load_files(&[
        ("h.ron", FLAG_AND_ONE_ENDING),
        (
            "c.ron",
            &format!(
                r#"Chapter(title: "C", date: "D", place: "P", scenes: [
                Scene(id: "a", text: ["{{if f: Only when the flag is up. | Only when it is down.}}"], next: "b"),
                Scene(id: "b", text: ["{long} and more"], next: "z"),
                Scene(id: "z", text: ["*Fin*."], ending: "e"),
            ])"#
            ),
        ),
    ]);
    let story = loaded.story.expect("loads");
    let g = Graph::of(&story);
    assert_eq!(g.nodes[0].excerpt, "Only when the flag is up.");
    assert_eq!(g.nodes[1].excerpt, format!("{}…", "x".repeat(39)));
    assert_eq!(g.nodes[1].excerpt.chars().count(), 40);
}

#[test]
fn parallel_ways_without_conditions_are_one_edge_with_a_line_each() {
    let loaded = load_files(&[
        ("h.ron", FLAG_AND_ONE_ENDING),
        (
            "c.ron",
            r#"Chapter(title: "C", date: "D", place: "P", scenes: [
                Scene(id: "a", text: ["A"], choices: [
                    Choice(id: "left", label: "Left", goto: "z"),
                    Choice(id: "right", label: "Right", goto: "z", effects: ["f = true"]),
                    Choice(id: "up", label: "Up", goto: "z", when: "f"),
                ]),
                Scene(id: "z", text: ["Z"], ending: "e"),
            ])"#,
        ),
    ]);
    let g = Graph::of(&loaded.story.expect("loads"));
    assert_eq!(g.edges.len(), 2, "{:?}", g.edges);
    assert_eq!(g.edges[0].label, ["left", "right"]);
    assert!(!g.edges[0].conditional);
    assert_eq!(
        g.edges[1].label,
        ["up", "if f"],
        "a condition stays on its own edge"
    );
    assert!(g.edges[1].conditional);
    assert!(g.edges.iter().all(|e| e.kind == EdgeKind::Choice));
}

// --------------------------------------------------------------------- one chapter

#[test]
fn a_chapter_alone_keeps_its_ways_in_and_out_as_stubs() {
    let g = Graph::of(&fixture());
    let yard = g.find_chapter("The Yard").expect("found by title");
    let view = g.chapter(yard).unwrap();
    assert_eq!(view.clusters.len(), 1);
    assert_eq!(view.clusters[0].number, 2);
    let inside: Vec<&str> = view.clusters[0]
        .nodes
        .iter()
        .map(|&n| view.nodes[n].id.as_str())
        .collect();
    assert_eq!(inside, ["yard", "well", "crossroads"]);
    let mut stubs: Vec<(&str, &str)> = view
        .nodes
        .iter()
        .filter_map(|n| Some((n.id.as_str(), n.stub.as_deref()?)))
        .collect();
    stubs.sort_unstable();
    assert_eq!(
        stubs,
        [
            ("fall", "The Gate"),
            ("fox", "A Detour"),
            ("gate", "The Gate"),
            ("home", "Epilogue"),
            ("home_lied", "Epilogue"),
        ]
    );
    // Every edge touches the chapter, and every edge of the story that does is there.
    let whole_touching = g
        .edges
        .iter()
        .filter(|e| g.nodes[e.from].chapter == yard || g.nodes[e.to].chapter == yard)
        .count();
    assert_eq!(view.edges.len(), whole_touching);
    assert_eq!(
        whole_touching, 10,
        "in: open, climb, fall, fox; within: well both ways, crossroads; out: fox, 2 endings"
    );
    let dot = view.dot();
    assert_eq!(dot.matches("subgraph cluster_").count(), 1);
    assert!(dot.contains("label=\"2. The Yard\""));
    assert!(dot.contains(
        "  \"gate\" [label=\"gate\\nSTART\\n(in The Gate)\", style=\"rounded,dashed\", color=gray50"
    ));
    assert!(dot.contains(
        "  \"home\" [label=\"home\\nENDING: Home Again\\n(in Epilogue)\", shape=doubleoctagon, style=\"dashed,filled\""
    ));
    assert!(
        !dot.contains("\"grass\""),
        "a scene two steps away is not drawn"
    );
    // The ways in all lead to the yard: they end at the chapter's border.
    assert!(dot.contains("\"fall\" -> \"yard\" [arrowhead=empty, lhead=cluster_0];"));
    assert!(dot.contains("\"crossroads\" -> \"home\" [label=\"otherwise\", arrowhead=empty];"));
    let mermaid = view.mermaid();
    assert!(mermaid.contains("class "), "{mermaid}");
    assert!(mermaid.contains(" stub\n"), "{mermaid}");
}

#[test]
fn a_chapter_is_found_by_number_title_or_file_as_an_author_types_it() {
    let g = Graph::of(&fixture());
    for (query, title) in [
        ("1", "The Gate"),
        ("4", "Epilogue"),
        ("the gate", "The Gate"),
        ("  The Yard ", "The Yard"),
        ("chapters/c_extension.ron", "A Detour"),
        ("c_extension", "A Detour"),
        ("c_extension.ron", "A Detour"),
        ("b_yard", "The Yard"),
    ] {
        let k = g
            .find_chapter(query)
            .unwrap_or_else(|| panic!("`{query}` finds no chapter"));
        assert_eq!(g.clusters[k].title, title, "`{query}`");
    }
    for query in ["0", "5", "yard", "xtension", "Gate Yard", ""] {
        assert_eq!(g.find_chapter(query), None, "`{query}`");
    }
    // An apostrophe typed straight finds a title written with a curly one.
    let loaded = load_files(&[
        (
            "h.ron",
            r#"Story(id: "q", title: "Q", start: "a", endings: [Ending(id: "e", title: "E")])"#,
        ),
        (
            "c.ron",
            r#"Chapter(title: "Frau Baden’s Soirée", date: "D", place: "P", scenes: [
                Scene(id: "a", text: ["A"], ending: "e"),
            ])"#,
        ),
    ]);
    let g = Graph::of(&loaded.story.expect("loads"));
    assert_eq!(g.find_chapter("frau baden's soirée"), Some(0));
}

#[test]
fn chapter_on_the_command_line_and_the_list_when_it_names_none() {
    let run1 = common::butterfly(&["graph", "tests/fixtures/full", "--chapter", "yard"], "");
    assert_eq!(run1.code, 2, "an unknown chapter is a usage error");
    assert!(run1.stdout.is_empty());
    assert!(
        run1.stderr
            .contains("no chapter `yard`; give its number, title or file:"),
        "{}",
        run1.stderr
    );
    for line in [
        "  1  The Gate  (tests/fixtures/full/chapters/a_gate.ron)",
        "  2  The Yard  (tests/fixtures/full/chapters/b_yard.ron)",
        "  3  A Detour  (tests/fixtures/full/chapters/c_extension.ron)",
        "  4  Epilogue  (tests/fixtures/full/chapters/b_yard.ron)",
    ] {
        assert!(run1.stderr.contains(line), "{line}\n{}", run1.stderr);
    }
    let run2 = common::butterfly(&["graph", "tests/fixtures/full", "--chapter", "2"], "");
    assert_eq!(run2.code, 0, "{}", run2.stderr);
    assert_eq!(
        run2.stdout,
        Graph::of(&fixture()).chapter(1).unwrap().dot(),
        "the CLI prints the model's chapter view"
    );
    let run3 = common::butterfly(
        &[
            "graph",
            "tests/fixtures/full",
            "--chapter",
            "the yard",
            "--format",
            "mermaid",
        ],
        "",
    );
    assert_eq!(run3.code, 0, "{}", run3.stderr);
    assert!(run3.stdout.starts_with("flowchart TD"));
    assert!(run3.stdout.contains("2. The Yard"));
}

#[test]
fn every_chapter_of_the_real_story_draws_alone() {
    let Some(story) = real_story() else { return };
    let g = Graph::of(&story);
    assert!(g.clusters.len() > 10);
    assert_eq!(
        g.clusters[0].title,
        *story.scenes[story.scene_position(&story.start).unwrap()].chapter
    );
    let mut scenes = 0;
    for k in 0..g.clusters.len() {
        let view = g.chapter(k).unwrap();
        scenes += view.clusters[0].nodes.len();
        // Nothing is drawn that the chapter does not touch.
        for (n, node) in view.nodes.iter().enumerate() {
            assert!(
                node.stub.is_none() || view.edges.iter().any(|e| e.from == n || e.to == n),
                "{} is a stub without an edge",
                node.id
            );
        }
    }
    assert_eq!(
        scenes,
        story.scenes.len(),
        "each scene in exactly one chapter"
    );
}

// -------------------------------------------------------------------------- --svg

#[cfg(unix)]
mod svg {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    /// A directory holding only a `dot` that runs `body` (a POSIX shell script).
    fn fake_dot(body: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dot");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        dir
    }

    fn graph_svg(path_dir: &Path, extra: &[&str], out: &Path) -> common::Run {
        let mut cmd = command();
        cmd.args(["graph", "tests/fixtures/full", "--svg"])
            .arg(out)
            .args(extra)
            .env("PATH", path_dir);
        run(cmd, "")
    }

    #[test]
    fn svg_runs_dot_itself_with_the_source_on_its_input() {
        let work = tempfile::tempdir().unwrap();
        let args = work.path().join("args");
        // Records its arguments one a line, then answers with what it was given.
        let dot = fake_dot(&format!(
            "for a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\nexec /bin/cat",
            args.display()
        ));
        let out = work.path().join("map.svg");
        let run = graph_svg(dot.path(), &["--chapter", "The Yard"], &out);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.is_empty(),
            "the picture goes to the file: {}",
            run.stdout
        );
        assert_eq!(std::fs::read_to_string(&args).unwrap(), "-Tsvg\n");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            Graph::of(&fixture()).chapter(1).unwrap().dot(),
            "dot was given the chapter's source on its standard input"
        );
        let leftovers: Vec<_> = std::fs::read_dir(work.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");
    }

    #[test]
    fn a_failing_dot_is_reported_with_its_message_and_the_old_file_kept() {
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("map.svg");
        std::fs::write(&out, "the previous map").unwrap();
        let dot = fake_dot(
            "/bin/cat > /dev/null\necho 'Error: <stdin>: syntax error in line 3 near ->' >&2\nexit 3",
        );
        let run = graph_svg(dot.path(), &[], &out);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("no SVG written to"), "{}", run.stderr);
        assert!(
            run.stderr.contains("`dot` failed (exit status: 3)"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("Error: <stdin>: syntax error in line 3 near ->"),
            "{}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "the previous map");

        // Success with nothing printed is a failure too.
        let silent = fake_dot("/bin/cat > /dev/null");
        let run = graph_svg(silent.path(), &[], &out);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("it printed nothing"), "{}", run.stderr);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "the previous map");
    }

    #[test]
    fn a_dot_that_does_not_finish_is_stopped() {
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("map.svg");
        let dot = fake_dot("exec /bin/sleep 60");
        let run = graph_svg(dot.path(), &["--dot-timeout", "1"], &out);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr
                .contains("`dot` did not finish within 1 s and was stopped"),
            "{}",
            run.stderr
        );
        assert!(!out.exists());
    }

    #[test]
    fn without_graphviz_the_message_says_how_to_install_it_and_what_works_instead() {
        let empty = tempfile::tempdir().unwrap();
        let out = empty.path().join("map.svg");
        let run = graph_svg(empty.path(), &[], &out);
        assert_eq!(run.code, 2);
        assert!(run.stdout.is_empty());
        for words in [
            "Graphviz's `dot` is not installed (or not on the PATH)",
            "apt-get install graphviz",
            "brew install graphviz",
            "run `butterfly graph` without `--svg`: it prints the DOT source",
        ] {
            assert!(run.stderr.contains(words), "{words}\n{}", run.stderr);
        }
        assert!(!out.exists());
    }

    #[test]
    fn svg_and_mermaid_do_not_mix() {
        let run = common::butterfly(
            &[
                "graph",
                "tests/fixtures/full",
                "--format",
                "mermaid",
                "--svg",
                "x.svg",
            ],
            "",
        );
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("`--svg` draws the Graphviz source"),
            "{}",
            run.stderr
        );
        assert!(!common::root().join("x.svg").exists());
        // `--format dot` is what `--svg` draws anyway.
        let empty = tempfile::tempdir().unwrap();
        let run = graph_svg(
            empty.path(),
            &["--format", "dot"],
            &empty.path().join("x.svg"),
        );
        assert!(run.stderr.contains("not installed"), "{}", run.stderr);
    }

    /// With the real Graphviz, when this machine has it: a picture comes out.
    #[test]
    fn svg_with_the_real_graphviz() {
        let found = std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join("dot").is_file()));
        if !found {
            return;
        }
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("map.svg");
        let mut cmd = command();
        cmd.args(["graph", "tests/fixtures/full", "--svg"])
            .arg(&out);
        let run = run(cmd, "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        let svg = std::fs::read_to_string(&out).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains("4. Epilogue") && svg.contains("ENDING: Home Again"));
    }
}
