//! Watching a story directory, so a front end can reload when an author saves a file.
//!
//! Editors save in bursts (write a temporary file, rename it over the old one, touch a
//! backup), so raw file events are debounced: one notification arrives once the
//! directory has been quiet for a moment after a change to a `*.ron` file. Nothing here
//! reloads anything; the front end decides what to do with a notification (carrying
//! the game over is the session's `reload`). The debouncing is `notify-debouncer-mini`'s.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use notify_debouncer_mini::{
    Config, DebounceEventResult, DebouncedEventKind, Debouncer, new_debouncer_opt,
};

/// How long the directory must be quiet before a change is reported.
pub const QUIET: Duration = Duration::from_millis(200);

/// A running watch; dropping it stops watching.
pub struct StoryWatch {
    changes: Receiver<Vec<PathBuf>>,
    /// Story files reported changed since [`StoryWatch::take_paths`] last took them.
    paths: RefCell<Vec<PathBuf>>,
    // Held only to keep the OS watch and the debounce thread alive.
    _debouncer: Debouncer<EditsOnly>,
}

impl StoryWatch {
    /// Receives the story files (`*.ron`) changed in each burst, once per burst.
    #[must_use]
    pub fn changes(&self) -> &Receiver<Vec<PathBuf>> {
        &self.changes
    }

    /// Whether anything changed since the last call, without blocking (for a UI tick).
    /// The changed files are kept for [`StoryWatch::take_paths`].
    #[must_use]
    pub fn changed(&self) -> bool {
        let mut any = false;
        while let Ok(paths) = self.changes.try_recv() {
            self.paths.borrow_mut().extend(paths);
            any = true;
        }
        any
    }

    /// The story files reported changed since the last call (each once, sorted), so a
    /// reload can read just those: empty when none were (a reload asked for by hand).
    #[must_use]
    pub fn take_paths(&self) -> Vec<PathBuf> {
        let _ = self.changed();
        let mut paths = std::mem::take(&mut *self.paths.borrow_mut());
        paths.sort();
        paths.dedup();
        paths
    }
}

/// Whether a raw file event is an edit of a story file.
#[must_use]
pub fn is_story_change(event: &notify::Event) -> bool {
    matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    ) && event
        .paths
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "ron"))
}

/// The platform's watcher, passing on only edits of story files: the debouncer counts
/// every event, and reading the story (as a reload does) opens its files, which must
/// not look like an edit (or each reload would trigger the next).
pub struct EditsOnly(RecommendedWatcher);

impl Watcher for EditsOnly {
    fn new<F: notify::EventHandler>(
        mut handler: F,
        config: notify::Config,
    ) -> notify::Result<Self> {
        let filtered = move |event: notify::Result<notify::Event>| {
            if event.as_ref().map_or(true, is_story_change) {
                handler.handle_event(event);
            }
        };
        RecommendedWatcher::new(filtered, config).map(Self)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        RecommendedWatcher::kind()
    }
}

/// Watches `dir` recursively, debounced by [`QUIET`].
///
/// # Errors
/// When the directory cannot be watched (missing, or the OS refuses).
pub fn watch(dir: &Path) -> Result<StoryWatch, notify::Error> {
    watch_with(dir, QUIET)
}

/// Watches `dir` recursively, reporting a burst of changes once `quiet` has passed
/// without another (`notify-debouncer-mini`, in batch mode: one report per burst).
///
/// # Errors
/// When the directory cannot be watched (missing, or the OS refuses).
pub fn watch_with(dir: &Path, quiet: Duration) -> Result<StoryWatch, notify::Error> {
    let (tx, rx) = mpsc::channel();
    let config = Config::default().with_timeout(quiet).with_batch_mode(true);
    let mut debouncer =
        new_debouncer_opt::<_, EditsOnly>(config, move |res: DebounceEventResult| {
            // `AnyContinuous` only says a file is still changing: wait for it to go quiet.
            let Ok(events) = res else { return };
            if events.iter().any(|e| e.kind == DebouncedEventKind::Any) {
                let paths = events
                    .into_iter()
                    .map(|e| e.path)
                    .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                    .collect();
                // Nobody listening any more (the game is leaving): nothing to do.
                let _ = tx.send(paths);
            }
        })?;
    debouncer.watcher().watch(dir, RecursiveMode::Recursive)?;
    Ok(StoryWatch {
        changes: rx,
        paths: RefCell::default(),
        _debouncer: debouncer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};
    use std::path::PathBuf;

    fn event(kind: EventKind, path: &str) -> notify::Event {
        notify::Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn only_edits_of_ron_files_count() {
        assert!(is_story_change(&event(
            EventKind::Modify(ModifyKind::Any),
            "story/a.ron"
        )));
        assert!(is_story_change(&event(
            EventKind::Create(CreateKind::File),
            "story/new.ron"
        )));
        assert!(!is_story_change(&event(
            EventKind::Modify(ModifyKind::Any),
            "story/.a.ron.swp"
        )));
        assert!(!is_story_change(&event(
            EventKind::Access(AccessKind::Any),
            "story/a.ron"
        )));
    }

    #[test]
    fn a_saved_file_is_reported_once_per_burst() {
        let dir = tempfile::tempdir().unwrap();
        let w = watch_with(dir.path(), Duration::from_millis(100)).unwrap();
        for i in 0..3 {
            std::fs::write(dir.path().join("a.ron"), format!("// {i}")).unwrap();
        }
        let first = w.changes().recv_timeout(Duration::from_secs(10));
        let first = first.expect("no notification for a saved story file");
        assert!(
            first.iter().any(|p| p.ends_with("a.ron")),
            "the saved file is named: {first:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
        assert!(!w.changed(), "one burst gave more than one notification");
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        std::thread::sleep(Duration::from_millis(400));
        assert!(!w.changed(), "a non-story file counted as a change");
        // A reload reads the story: opening its files is not an edit.
        let _ = std::fs::read(dir.path().join("a.ron")).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        assert!(!w.changed(), "reading a story file counted as a change");
    }

    #[test]
    fn the_files_saved_since_the_last_reload_are_kept_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let w = watch_with(dir.path(), Duration::from_millis(100)).unwrap();
        std::fs::write(dir.path().join("a.ron"), "// a").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !w.changed() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::fs::write(dir.path().join("b.ron"), "// b").unwrap();
        std::fs::write(dir.path().join("a.ron"), "// a again").unwrap();
        let mut names = Vec::new();
        while names.len() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            let _ = w.changed();
            names = w.paths.borrow().clone();
            names.sort();
            names.dedup();
        }
        let taken = w.take_paths();
        let names: Vec<_> = taken.iter().filter_map(|p| p.file_name()).collect();
        assert_eq!(names, ["a.ron", "b.ron"], "each saved story file once");
        assert!(w.take_paths().is_empty(), "taken once");
    }
}
