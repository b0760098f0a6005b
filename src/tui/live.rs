//! The story a live game plays (`play --story DIR`), and reloading it when the author
//! saves a file (or presses F5).
//!
//! The game does not keep a copy of the story: each run of the event loop borrows the
//! [`Reloader`]'s, which an edit patches in place (only the edited files recompiled) —
//! copying a large story took longer than recompiling one file of it. A story folder
//! is loaded into its reloader from the start ([`Begin::Reloadable`]), so the first
//! file the author saves is recompiled alone too, like every later one. After a watch
//! reported which files changed, only those are read from disk; F5, a new or removed
//! file, or a path the watch names oddly read the whole directory again. An edit that
//! breaks the story leaves the reloader's last good story to play
//! ([`Reloader::story`]); carrying the game over is the session's rule
//! ([`reload::reload_from`]).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::engine::GameState;
use crate::sanitize::for_terminal;
use crate::session::reload::{self, Opening, ReloadOutcome};
use crate::story::{Reload, Reloader, Story};

use super::Msg;

/// The story a terminal game begins with.
// Made once per game and moved once, into the game's `Source`: boxing either variant
// would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Begin {
    /// Compiled once, with nothing kept for a reload (the built-in story).
    Compiled(Story),
    /// A story folder's (`play --story DIR`), inside the reloader that the author's
    /// edits patch: the first edit recompiles only the saved file, as later ones do.
    Reloadable(Reloader),
}

impl From<Story> for Begin {
    fn from(story: Story) -> Self {
        Self::Compiled(story)
    }
}

impl Begin {
    /// The story to begin with (`None` only for a reloader whose story did not load).
    #[must_use]
    pub fn story(&self) -> Option<&Story> {
        match self {
            Self::Compiled(story) => Some(story),
            Self::Reloadable(reloader) => reloader.story(),
        }
    }
}

/// Where the untranslated story comes from: the one the game began with, until the
/// first reload, then the reloader's (from the start, for a story folder).
pub(super) struct Source {
    /// The story loaded at start; emptied once the reloader has one to play, or a
    /// copy kept when the newest story cannot carry the game (see [`Source::story`]).
    first: Story,
    /// Made at start for a story folder, else at the first reload, and kept: reloads
    /// recompile only the edited files.
    reloader: Option<Reloader>,
    /// Play `first`, not the reloader's story: the edited story loaded but cannot
    /// start the game as it began (`play --from` a scene since removed).
    pinned: bool,
}

/// What a reload read and how the story was compiled again (for tests and notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Reread {
    /// Files read from disk.
    pub files_read: usize,
    /// How the reloader compiled them (`None`: nothing was compiled).
    pub how: Option<Reload>,
}

impl Source {
    pub fn new(begin: Begin) -> Self {
        let (first, reloader) = match begin {
            Begin::Compiled(story) => (story, None),
            Begin::Reloadable(reloader) => (Story::default(), Some(reloader)),
        };
        Self {
            first,
            reloader,
            pinned: false,
        }
    }

    /// The story to play now (untranslated).
    pub fn story(&self) -> &Story {
        match &self.reloader {
            Some(r) if !self.pinned => r.story().unwrap_or(&self.first),
            _ => &self.first,
        }
    }

    /// Reads what changed under `dir` (`changed`: the story files a watch reported, or
    /// none for a whole reread) and hands it to the reloader. `Err` with a note when
    /// the directory cannot be read.
    fn reread(&mut self, dir: &Path, changed: &[PathBuf]) -> Result<Reread, String> {
        if let Some(r) = &mut self.reloader
            && !changed.is_empty()
            && let Some(files) =
                crate::source::read_changed(dir, changed, |p| r.files().iter().any(|f| f.path == p))
        {
            let files_read = files.len();
            let edits = files.into_iter().map(|f| (f.path, f.bytes)).collect();
            if let Some(how) = r.edit(edits) {
                return Ok(Reread {
                    files_read,
                    how: Some(how),
                });
            }
        }
        let files = crate::source::read_dir(dir)
            .map_err(|e| for_terminal(&format!("Cannot reload: {e}")))?;
        let files_read = files.len();
        let how = match &mut self.reloader {
            Some(r) => r.replace(files),
            None => {
                self.reloader = Some(Reloader::new(files, false));
                Reload::Full
            }
        };
        Ok(Reread {
            files_read,
            how: Some(how),
        })
    }
}

/// The story in a language: where its translations come from, and the language it is
/// played in now.
pub(super) struct Language {
    pub dir: Option<PathBuf>,
    pub current: Option<String>,
}

impl Language {
    /// The story to play: `base` translated into the current language (lines a
    /// translation lacks stay in the story's own language), and a note for the player
    /// when that translation cannot be had (the story's own language is played then).
    /// Untranslated, `base` itself.
    pub fn story<'b>(&self, base: &'b Story) -> (Cow<'b, Story>, Option<String>) {
        let Some(lang) = self
            .current
            .as_deref()
            .filter(|l| !crate::tools::l10n::is_source(self.dir.as_deref(), l))
        else {
            return (Cow::Borrowed(base), None);
        };
        match crate::tools::l10n::load(self.dir.as_deref(), lang) {
            Ok(translation) => (
                Cow::Owned(crate::story::l10n::translate(base, &translation).0),
                None,
            ),
            Err(e) => (
                Cow::Borrowed(base),
                Some(for_terminal(&format!(
                    "Playing in the story's own language: {e}."
                ))),
            ),
        }
    }

    /// The languages offered besides the story's own.
    pub fn available(&self) -> Vec<String> {
        crate::tools::l10n::languages(self.dir.as_deref())
    }
}

/// Loads the story again from `dir` (reading only `changed`, when a watch named the
/// files) and carries `state` over; what to tell the app, and what was read. The
/// story to play afterwards is `source.story()`: the new one, or the old one when the
/// edit has errors or cannot carry the game.
pub(super) fn reloaded(
    source: &mut Source,
    dir: Option<&Path>,
    changed: &[PathBuf],
    opening: &Opening,
    state: Option<Box<GameState>>,
    played: Duration,
) -> (Vec<Msg>, Reread) {
    let resume = |state: Box<GameState>, note: String| Msg::Resume {
        state,
        played,
        note,
    };
    let keep_old = |state: Option<Box<GameState>>, note: String| match state {
        Some(s) => vec![resume(s, note)],
        None => vec![Msg::Notice(note)],
    };
    let Some(dir) = dir else {
        let note = "F5 reloads a story played with --story DIR; this is the built-in one.";
        return (keep_old(state, note.into()), Reread::default());
    };
    // A game begun elsewhere than the start (`play --from`) may not fit the edited
    // story at all: then it goes on with this copy of the old one. An ordinary game
    // always begins, so it never needs one.
    let fallback = (!opening.is_start() && state.is_some()).then(|| source.story().clone());
    let reread = match source.reread(dir, changed) {
        Ok(r) => r,
        Err(note) => return (keep_old(state, note), Reread::default()),
    };
    let Some(r) = &source.reloader else {
        return (keep_old(state, "Cannot reload.".into()), reread);
    };
    let loaded = r.loaded();
    let Some(new) = loaded.story.as_ref() else {
        let first = loaded
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| {
                let at = d.location();
                let at = crate::source::story_relative(dir, &at);
                format!(" First: {at}: {}", d.message)
            })
            .unwrap_or_default();
        let note = format!(
            "The edited story has {} error(s); still playing the old version.{first}",
            loaded.error_count()
        );
        // Diagnostics are terminal-safe since the load.
        return (keep_old(state, note), reread);
    };
    let Some(state) = state else {
        source.play_reloaded();
        return (vec![Msg::Notice("Story reloaded.".into())], reread);
    };
    let msgs = match reload::reload_from(new, &state, opening) {
        ReloadOutcome::Kept(s) => vec![resume(
            Box::new(s),
            "Story reloaded; your game still fits it.".into(),
        )],
        ReloadOutcome::Diverged {
            divergence,
            state_at_last_good,
        } => vec![resume(
            Box::new(state_at_last_good),
            format!(
                "Story reloaded. Your path no longer fits at {divergence}; you are at the last step that does."
            ),
        )],
        ReloadOutcome::Unplayable { reason } => {
            let note =
                format!("The edited story cannot start ({reason}); still playing the old version.");
            if let Some(old) = fallback {
                source.first = old;
                source.pinned = true;
            }
            return (keep_old(Some(state), note), reread);
        }
    };
    source.play_reloaded();
    (msgs, reread)
}

impl Source {
    /// The reloader's story is the one to play from now on: the one loaded at start
    /// (or kept for a game that did not fit) is let go.
    fn play_reloaded(&mut self) {
        if self.reloader.as_ref().and_then(Reloader::story).is_some() {
            self.first = Story::default();
            self.pinned = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::{App, Screen, update, view};

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }

    fn note(msgs: &[Msg]) -> &str {
        match msgs {
            [Msg::Resume { note, .. } | Msg::Notice(note)] => note,
            other => panic!("{other:?}"),
        }
    }

    /// The fixture story copied to a scratch folder, loaded; a game on it one choice
    /// in.
    fn fixture() -> (tempfile::TempDir, PathBuf, Story, GameState) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("story");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full"),
            &dir,
        );
        let files = crate::source::read_dir(&dir).unwrap();
        let story = crate::story::load(&files).story.unwrap();
        let (mut state, _) = crate::engine::start(&story, 3).unwrap();
        crate::engine::choose(&story, &mut state, "grass").unwrap();
        (tmp, dir, story, state)
    }

    /// The paragraph edit the tests make: a chapter's text changed, nothing else.
    fn rain_on_the_gate(gate: &Path) {
        let text = std::fs::read_to_string(gate)
            .unwrap()
            .replace("{{braces}} stay *literal*.", "Rain on the gate.");
        std::fs::write(gate, text).unwrap();
    }

    /// What a full load of `dir` gives, to compare a patched story with.
    fn full_load(dir: &Path) -> Option<Story> {
        crate::story::load_unlinted(&crate::source::read_dir(dir).unwrap()).story
    }

    /// The author saves the gate's paragraph edit mid-game and the watch names that
    /// file: it is read and recompiled alone, the game goes on in the new text, and the
    /// story is what a full load of the folder gives.
    fn save_the_gate_mid_game(source: &mut Source, dir: &Path, state: &GameState) {
        let gate = dir.join("chapters/a_gate.ron");
        rain_on_the_gate(&gate);
        let (msgs, reread) = reloaded(
            source,
            Some(dir),
            std::slice::from_ref(&gate),
            &Opening::default(),
            Some(Box::new(state.clone())),
            Duration::ZERO,
        );
        assert_eq!(
            reread,
            Reread {
                files_read: 1,
                how: Some(Reload::Incremental)
            }
        );
        assert_eq!(note(&msgs), "Story reloaded; your game still fits it.");
        match &msgs[0] {
            Msg::Resume { state, .. } => {
                // The game goes on in the new story, whose gate has the new text.
                assert!(source.story().scene(&state.scene).is_some());
                let gate = source.story().scene("gate").unwrap();
                assert!(format!("{:?}", gate.text).contains("Rain on the gate."));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            Some(source.story()),
            full_load(dir).as_ref(),
            "the same story as a full load"
        );
    }

    #[test]
    fn reloading_keeps_the_game_reports_errors_and_divergence() {
        let (_tmp, dir, story, state) = fixture();
        let opening = Opening::default();
        let mut source = Source::new(story.clone().into());
        // F5 with the game one choice in: the whole folder, the game carried over.
        let reload = |source: &mut Source| {
            reloaded(
                source,
                Some(&dir),
                &[],
                &opening,
                Some(Box::new(state.clone())),
                Duration::ZERO,
            )
        };

        let (msgs, _) = reload(&mut source);
        assert_eq!(note(&msgs), "Story reloaded; your game still fits it.");
        let before = source.story().clone();

        let gate = dir.join("chapters/a_gate.ron");
        let text = std::fs::read_to_string(&gate).unwrap();
        std::fs::write(&gate, text.replace("goto: \"grass\"", "goto: \"gras\"")).unwrap();
        let (msgs, _) = reload(&mut source);
        assert_eq!(source.story(), &before, "the old story plays on");
        assert!(
            note(&msgs).starts_with("The edited story has 1 error(s)"),
            "{}",
            note(&msgs)
        );
        // The path is the story's own, not the (long, absolute) one of its directory.
        assert!(
            note(&msgs).contains(" First: chapters/a_gate.ron:"),
            "{}",
            note(&msgs)
        );
        // On screen, at the smallest size, the whole message (issue 15): wrapped, not cut.
        let whole = note(&msgs).split_whitespace().collect::<Vec<_>>().join(" ");
        let mut app = App::new(&story, crate::save::Profile::default(), 1, true);
        app.stack = vec![Screen::Title];
        update(&mut app, Msg::Resize(40, 12));
        for msg in msgs.clone() {
            update(&mut app, msg);
        }
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(40, 12)).unwrap();
        terminal.draw(|f| view::draw(&app, f)).unwrap();
        let buffer = terminal.backend().buffer();
        let shown: Vec<&str> = buffer
            .content()
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect();
        let shown = shown
            .concat()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(shown.contains(&whole), "{whole}\n---\n{shown}");

        std::fs::write(
            &gate,
            text.replace(
                "Choice(label: \"Search the grass\", goto: \"grass\"",
                "Choice(id: \"search\", label: \"Search the grass\", goto: \"grass\"",
            ),
        )
        .unwrap();
        let (msgs, _) = reload(&mut source);
        assert_ne!(source.story(), &before, "the mended story plays");
        assert!(
            note(&msgs).contains("no longer fits at step 1"),
            "{}",
            note(&msgs)
        );
        match &msgs[0] {
            Msg::Resume { state, .. } => assert_eq!(state.scene, "gate"),
            other => panic!("{other:?}"),
        }

        // An edit of a paragraph only: recompiled alone, and the game plays the new text.
        rain_on_the_gate(&gate);
        let (msgs, reread) = reload(&mut source);
        assert_eq!(reread.how, Some(Reload::Incremental));
        let new = source.story();
        assert!(
            format!("{:?}", new.scene("gate").unwrap().text).contains("Rain on the gate."),
            "the edit is in the story"
        );
        assert_eq!(
            Some(new),
            full_load(&dir).as_ref(),
            "the same story as a full load"
        );
        assert!(!msgs.is_empty());

        let (msgs, reread) = reloaded(&mut source, None, &[], &opening, None, Duration::ZERO);
        assert_eq!(reread, Reread::default());
        assert!(note(&msgs).contains("--story DIR"));
    }

    /// After a watch named the one file saved, a reload reads that file alone (not the
    /// whole folder), recompiles it alone, and the game reaches the new text; a file
    /// the story does not have yet makes it read the folder again.
    #[test]
    fn a_watched_edit_rereads_only_the_saved_file() {
        let (_tmp, dir, story, state) = fixture();
        let all = crate::source::read_dir(&dir).unwrap().len();
        assert!(all > 2, "the fixture has several files");
        let opening = Opening::default();
        let mut source = Source::new(story.into());
        // The first reload makes the reloader: the whole folder.
        let (_, reread) = reloaded(&mut source, Some(&dir), &[], &opening, None, Duration::ZERO);
        assert_eq!(reread.files_read, all);

        save_the_gate_mid_game(&mut source, &dir, &state);

        // A new file is not read alone: the folder is.
        let extra = dir.join("chapters/z_extra.ron");
        std::fs::write(
            &extra,
            "Chapter(title: \"Z\", date: \"D\", place: \"P\", scenes: [])",
        )
        .unwrap();
        let (_, reread) = reloaded(
            &mut source,
            Some(&dir),
            std::slice::from_ref(&extra),
            &opening,
            None,
            Duration::ZERO,
        );
        assert_eq!(reread.files_read, all + 1);
    }

    /// A story folder begun in its reloader (`play --story DIR`): the very first edit
    /// the author saves is read and recompiled alone, and gives what a full load gives.
    #[test]
    fn a_folder_begun_in_its_reloader_rereads_only_the_first_saved_file() {
        let (_tmp, dir, _, state) = fixture();
        let reloader = Reloader::new(crate::source::read_dir(&dir).unwrap(), false);
        let mut source = Source::new(Begin::Reloadable(reloader));
        assert_eq!(Some(source.story()), full_load(&dir).as_ref());
        save_the_gate_mid_game(&mut source, &dir, &state);
    }

    /// A game begun in a scene (`play --from grass`) that the edited story no longer
    /// has: the old story plays on (from a copy taken for such games only), and the
    /// next edit that brings the scene back is played.
    #[test]
    fn a_game_begun_in_a_removed_scene_keeps_the_old_story() {
        let (_tmp, dir, story, _) = fixture();
        let opening = Opening {
            scene: Some("grass".into()),
            overrides: Vec::new(),
        };
        let state = crate::engine::begin(&story, 5, &opening).unwrap();
        let mut source = Source::new(story.clone().into());
        let gate = dir.join("chapters/a_gate.ron");
        let text = std::fs::read_to_string(&gate).unwrap();
        let renamed = text
            .replace("goto: \"grass\"", "goto: \"meadow\"")
            .replace("visits(grass)", "visits(meadow)")
            .replace("id: \"grass\"", "id: \"meadow\"");
        std::fs::write(&gate, &renamed).unwrap();
        let (msgs, reread) = reloaded(
            &mut source,
            Some(&dir),
            &[],
            &opening,
            Some(Box::new(state.clone())),
            Duration::ZERO,
        );
        assert_eq!(reread.how, Some(Reload::Full), "the first reload");
        assert!(note(&msgs).contains("cannot start"), "{}", note(&msgs));
        assert_eq!(source.story(), &story, "the old story plays on");

        std::fs::write(&gate, &text).unwrap();
        let (msgs, reread) = reloaded(
            &mut source,
            Some(&dir),
            std::slice::from_ref(&gate),
            &opening,
            Some(Box::new(state)),
            Duration::ZERO,
        );
        assert_eq!(reread.files_read, 1);
        assert_eq!(note(&msgs), "Story reloaded; your game still fits it.");
        assert!(source.story().scene("grass").is_some());
        assert!(source.story().scene("meadow").is_none());
    }

    /// The story folder named through a link (or relatively): the watch reports the
    /// saved file by its real path, which still names one of the story's files.
    #[cfg(unix)]
    #[test]
    fn a_watched_path_in_the_folders_real_form_is_read_alone() {
        let (tmp, dir, story, _) = fixture();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        let opening = Opening::default();
        let mut source = Source::new(story.into());
        let _ = reloaded(
            &mut source,
            Some(&link),
            &[],
            &opening,
            None,
            Duration::ZERO,
        );
        let gate = dir.canonicalize().unwrap().join("chapters/a_gate.ron");
        rain_on_the_gate(&gate);
        let (_, reread) = reloaded(
            &mut source,
            Some(&link),
            std::slice::from_ref(&gate),
            &opening,
            None,
            Duration::ZERO,
        );
        assert_eq!(
            reread,
            Reread {
                files_read: 1,
                how: Some(Reload::Incremental)
            }
        );
        let gate = source.story().scene("gate").unwrap();
        assert!(format!("{:?}", gate.text).contains("Rain on the gate."));
    }
}
