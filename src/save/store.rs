//! The saves directory: slot files, their backups, atomic writes and bounded reads.
//!
//! The only code that touches save files on disk. Every write goes to a temporary file
//! in the same directory, is flushed and synced, and is renamed over the slot, so a
//! crash leaves either the old save or the new one, never half of each. Reading never
//! writes.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tempfile::NamedTempFile;

use super::format::{self, MAX_SAVE_BYTES, SaveFile, SavedStep, one_line};
use super::{AUTO_SLOT, LoadedSave, PREVIOUS_AUTO_SLOT, SaveError, SlotInfo};
use crate::engine::GameState;
use crate::story::Story;

/// The profile's file name without `.ron`; no slot may take it.
pub(super) const PROFILE_STEM: &str = "profile";

/// Longest slot name: long enough for any label, short enough for any file system.
const MAX_SLOT_LEN: usize = crate::limits::MAX_SLOT_BYTES;
/// Longest name a save may be given, in characters (the load screen has one line).
pub const MAX_NAME_CHARS: usize = 40;

/// Names Windows will not create files under, whatever the extension.
const DEVICE_NAMES: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A directory of save slots plus the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveStore {
    dir: PathBuf,
}

/// Checks a slot name: ASCII letters, digits, `-` and `_` only, so a name can never
/// climb out of the saves directory or mean something special to a file system.
///
/// # Errors
/// [`SaveError::InvalidSlot`] saying what is wrong.
pub fn validate_slot(slot: &str) -> Result<(), SaveError> {
    let invalid = |reason| {
        Err(SaveError::InvalidSlot {
            slot: one_line(slot),
            reason,
        })
    };
    if slot.is_empty() {
        return invalid("it is empty");
    }
    if slot.len() > MAX_SLOT_LEN {
        return invalid("it is longer than 64 characters");
    }
    if !slot
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return invalid("use only letters, digits, `-` and `_`");
    }
    let lower = slot.to_ascii_lowercase();
    if lower == PROFILE_STEM {
        return invalid("`profile` is the name of the profile file");
    }
    if DEVICE_NAMES.contains(&lower.as_str()) {
        return invalid("that name is reserved by Windows");
    }
    Ok(())
}

/// Reads a file of at most [`MAX_SAVE_BYTES`], refusing bigger ones (and anything that
/// is not a regular file, such as a pipe that would block) before reading them.
pub(super) fn read_bounded(path: &Path) -> Result<Vec<u8>, SaveError> {
    read_bounded_to(path, MAX_SAVE_BYTES)
}

/// [`read_bounded`] with another limit (the profile's).
pub(super) fn read_bounded_to(path: &Path, limit: u64) -> Result<Vec<u8>, SaveError> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(SaveError::NotFound {
                path: path.to_owned(),
            });
        }
        Err(source) => return Err(io_error("read", path, source)),
    };
    if !meta.is_file() {
        return Err(SaveError::Damaged {
            path: path.to_owned(),
            detail: "not a regular file".to_owned(),
        });
    }
    let too_large = |size| SaveError::TooLarge {
        path: path.to_owned(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    // Non-blocking, and checked again on the handle: a FIFO swapped in after the check
    // above must not block the game.
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| io_error("read", path, e))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(SaveError::Damaged {
            path: path.to_owned(),
            detail: "not a regular file".to_owned(),
        });
    }
    let mut bytes = Vec::new();
    // The size can change between the check and the read; never take more than allowed.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error("read", path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> SaveError {
    SaveError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Reads and parses a save file without checking it against a story.
///
/// # Errors
/// Missing, too large, damaged, or in a format version this build does not read.
pub fn read_file(path: &Path) -> Result<SaveFile, SaveError> {
    let bytes = read_bounded(path)?;
    format::decode(path, &bytes)
}

/// Reads a save file from anywhere and verifies it against `story` by replaying it.
/// The file is never modified.
///
/// # Errors
/// See [`read_file`]; also a save of another story or one that cannot begin.
pub fn load_file(path: &Path, story: &Story) -> Result<LoadedSave, SaveError> {
    let file = read_file(path)?;
    format::verify(path, story, &file)
}

/// The pure part of [`SaveStore::resolve_dir`], so the order of preference is testable.
fn pick_dir(
    flag: Option<&Path>,
    env: Option<OsString>,
    local_exists: bool,
    data_dir: Option<PathBuf>,
) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_owned();
    }
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    if local_exists {
        return PathBuf::from("saves");
    }
    data_dir.unwrap_or_else(|| PathBuf::from("saves"))
}

/// A new temporary file beside `target` (same directory, so the final rename is
/// atomic), named `.<target>.<what>.<random>.tmp`: hidden, and ending in `.tmp`, so
/// listings and `.gitignore` pass over one a crash leaves behind. Removed when dropped
/// unless persisted.
fn temp_sibling(target: &Path, what: &str) -> io::Result<NamedTempFile> {
    let name = target
        .file_name()
        .map_or_else(|| "save".into(), |n| n.to_string_lossy());
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    tempfile::Builder::new()
        .prefix(&format!(".{name}.{what}."))
        .suffix(".tmp")
        .tempfile_in(dir)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// How old a temporary file must be before it is taken for an orphan: a write takes
/// milliseconds, so one this old was left by a process killed mid-save.
const ORPHAN_AGE: Duration = Duration::from_mins(15);

/// Whether `name` is one of [`temp_sibling`]'s names.
fn is_temp_name(name: &str) -> bool {
    // Exactly the suffix the game writes, lowercase: nothing else is its to remove.
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    let ours = name.starts_with('.') && name.ends_with(".tmp");
    ours
}

/// The OS's error without the temporary file's name that `tempfile` appends to a
/// failed creation (`… at path "…"`): the message must name the slot and stay the same
/// from one attempt to the next, so a front end says it once.
fn bare(e: io::Error) -> io::Error {
    if e.get_ref().is_none() {
        return e;
    }
    let text = e.to_string();
    match text.rfind(" at path ") {
        Some(at) => io::Error::new(e.kind(), &text[..at]),
        None => e,
    }
}

/// A temporary file beside `target` holding `bytes`, flushed and synced to disk,
/// ready to be persisted over `target`.
fn synced_temp(target: &Path, what: &str, bytes: &mut dyn Read) -> io::Result<NamedTempFile> {
    let mut tmp = temp_sibling(target, what).map_err(bare)?;
    // Through the `File` itself: its errors are the OS's, without the temporary name.
    let file = tmp.as_file_mut();
    io::copy(bytes, file)?;
    file.flush()?;
    file.sync_all()?;
    Ok(tmp)
}

/// Copies `from` to `to` through a synced temporary file persisted over `to`, so `to`
/// is always either the old copy or the whole new one, with `from`'s permissions.
fn copy_synced(from: &Path, to: &Path) -> Result<(), SaveError> {
    let mode = fs::metadata(from).map(|m| m.permissions());
    File::open(from)
        .and_then(|mut old| synced_temp(to, "copy", &mut old))
        .and_then(|tmp| {
            if let Ok(mode) = &mode {
                tmp.as_file().set_permissions(mode.clone())?;
            }
            tmp.persist(to).map_err(|e| e.error)
        })
        .map_err(|e| io_error("back up", from, e))?;
    if let Some(dir) = to.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Makes a rename durable; some platforms cannot open directories, which is fine.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

impl SaveStore {
    /// Removes temporary files left by a process killed mid-save (older than
    /// [`ORPHAN_AGE`], so another process's write in progress is never touched), once
    /// per process: they are hidden and never read, but would pile up.
    fn clean_orphans_once(&self) {
        static DONE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
        if let Ok(mut done) = DONE.lock() {
            if done.contains(&self.dir) {
                return;
            }
            done.push(self.dir.clone());
        }
        self.clean_orphans(ORPHAN_AGE);
    }

    /// `Self::clean_orphans_once` with any age, for tests. Returns how many went.
    pub fn clean_orphans(&self, older_than: Duration) -> usize {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return 0;
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Ok(meta) = entry.metadata() else { continue };
            let old = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age >= older_than);
            if is_temp_name(name) && meta.is_file() && old && fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }

    /// A store over `dir` (created on the first write).
    #[must_use]
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// `--saves DIR`, else `$BUTTERFLY_SAVES`, else `./saves` when it exists (the
    /// project's own), else the platform's data directory.
    #[must_use]
    pub fn resolve_dir(flag: Option<&Path>) -> PathBuf {
        let data =
            directories::ProjectDirs::from("", "", "butterfly").map(|d| d.data_dir().join("saves"));
        pick_dir(
            flag,
            std::env::var_os("BUTTERFLY_SAVES"),
            Path::new("saves").is_dir(),
            data,
        )
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of a slot.
    ///
    /// # Errors
    /// An invalid slot name.
    pub fn slot_path(&self, slot: &str) -> Result<PathBuf, SaveError> {
        validate_slot(slot)?;
        Ok(self.dir.join(format!("{slot}.ron")))
    }

    /// Saves `state` to `slot`: atomically, keeping the previous version as
    /// `<slot>.ron.bak`, and refusing to replace a file this game cannot read or one
    /// belonging to another story.
    ///
    /// # Errors
    /// Invalid slot name, a file that must not be replaced, a save too large to read
    /// back, or a disk error (the old slot file is then untouched).
    pub fn save(
        &self,
        slot: &str,
        story: &Story,
        state: &GameState,
        play_time: Duration,
    ) -> Result<(), SaveError> {
        self.save_named(slot, story, state, play_time, None)
    }

    /// [`SaveStore::save`] with the player's name for the save (a short label shown
    /// on the load screen).
    ///
    /// # Errors
    /// As [`SaveStore::save`].
    pub fn save_named(
        &self,
        slot: &str,
        story: &Story,
        state: &GameState,
        play_time: Duration,
        name: Option<&str>,
    ) -> Result<(), SaveError> {
        let path = self.slot_path(slot)?;
        let mut file = SaveFile::record(story, state, play_time, SystemTime::now());
        file.name = name
            .map(|n| n.trim().chars().take(MAX_NAME_CHARS).collect::<String>())
            .filter(|n| !n.is_empty());
        let text = format::encode(&file, &story.title)?;
        // Read it back before writing: a save this game cannot load is never written
        // (and never reported as saved).
        format::decode(&path, text.as_bytes())
            .map_err(|e| SaveError::Encode(format!("it could not be read back: {e}")))?;
        self.write_slot(&path, &story.id, text.as_bytes())
    }

    /// The autosave, made whenever a scene is entered. When the current autosave is of
    /// a different game (another seed, or a path this one does not continue, as after
    /// an undo), it is first copied to [`PREVIOUS_AUTO_SLOT`], unless that slot already
    /// holds a game containing it; so neither a new game nor a run of undos costs the
    /// furthest point reached.
    ///
    /// # Errors
    /// As [`SaveStore::save`].
    pub fn autosave(
        &self,
        story: &Story,
        state: &GameState,
        play_time: Duration,
    ) -> Result<(), SaveError> {
        let path = self.slot_path(AUTO_SLOT)?;
        let previous = self.slot_path(PREVIOUS_AUTO_SLOT)?;
        let now: Vec<(&str, &str)> = state
            .path
            .iter()
            .map(|s| (s.scene.as_str(), s.choice.as_str()))
            .collect();
        if let Ok(bytes) = read_bounded(&path)
            && let Ok(old) = format::decode(&path, &bytes)
            && old.story.id == story.id
            && !contained(&old, state.seed, &now)
        {
            // Several undos in a row: the previous slot already holds the furthest
            // point, which contains each shorter autosave; keep it.
            let kept = read_file(&previous)
                .is_ok_and(|p| p.story.id == story.id && contained(&old, p.seed, &pairs(&p.path)));
            if !kept {
                // Best effort: if that slot is unwritable, auto.ron.bak still has it.
                let _ = self.write_slot(&previous, &story.id, &bytes);
            }
        }
        self.save(AUTO_SLOT, story, state, play_time)
    }

    fn write_slot(&self, path: &Path, story_id: &str, bytes: &[u8]) -> Result<(), SaveError> {
        if bytes.len() as u64 > MAX_SAVE_BYTES {
            // Writing it would make a save this game refuses to read back.
            return Err(SaveError::TooLarge {
                path: path.to_owned(),
                size: bytes.len() as u64,
                limit: MAX_SAVE_BYTES,
            });
        }
        match read_file(path) {
            Ok(old) if old.story.id == story_id => {}
            Ok(old) => {
                return Err(SaveError::WontOverwrite {
                    path: path.to_owned(),
                    problem: format!("a save of another story (`{}`)", one_line(&old.story.id)),
                });
            }
            Err(SaveError::NotFound { .. }) => {}
            Err(e) => {
                return Err(SaveError::WontOverwrite {
                    path: path.to_owned(),
                    problem: e.problem(),
                });
            }
        }
        self.write_atomic(path, bytes)
    }

    /// Replaces `target` with `bytes` through a synced temporary file persisted over
    /// it (a rename), after copying the current `target` (if any) to `<target>.bak` the
    /// same way. A temporary file that is not persisted is removed when it drops.
    pub(super) fn write_atomic(&self, target: &Path, mut bytes: &[u8]) -> Result<(), SaveError> {
        fs::create_dir_all(&self.dir).map_err(|e| io_error("create", &self.dir, e))?;
        self.clean_orphans_once();
        // On failure, name the slot, not the temporary file: the player knows the one,
        // and the message stays the same from one attempt to the next (the temporary
        // name changes each time), so a front end can say it once.
        let new =
            synced_temp(target, "new", &mut bytes).map_err(|e| io_error("write", target, e))?;
        if target.is_file() {
            let bak = with_suffix(target, ".bak");
            let mode = fs::metadata(target).map(|m| m.permissions());
            File::open(target)
                .and_then(|mut old| synced_temp(target, "bak", &mut old))
                .and_then(|tmp| {
                    // The slot and its backup keep the mode the player gave the slot; a
                    // new slot is created readable by its owner only.
                    if let Ok(mode) = &mode {
                        tmp.as_file().set_permissions(mode.clone())?;
                        new.as_file().set_permissions(mode.clone())?;
                    }
                    tmp.persist(&bak).map_err(|e| e.error)
                })
                .map_err(|e| io_error("back up", target, e))?;
        }
        new.persist(target)
            .map_err(|e| io_error("write", target, e.error))?;
        sync_dir(&self.dir);
        Ok(())
    }

    /// Loads `slot` and verifies it by replaying it in `story`. Never modifies the file.
    ///
    /// # Errors
    /// Invalid slot name, missing, too large, damaged, foreign, wrong version, or not
    /// replayable at all. A save that replays only partly loads, with
    /// [`LoadedSave::divergence`] set.
    pub fn load(&self, slot: &str, story: &Story) -> Result<LoadedSave, SaveError> {
        load_file(&self.slot_path(slot)?, story)
    }

    /// Loads `slot` to play on from it. Like [`SaveStore::load`], except that a save
    /// the story no longer fits in full is first copied to `<slot>.ron.pre-update`
    /// ([`LoadedSave::backup`]): the game resumes at the last step that still fits, and
    /// the next save to the slot (and the `.bak` after it) would otherwise replace the
    /// only record of the longer game. The slot file itself is not modified.
    ///
    /// # Errors
    /// As [`SaveStore::load`]; and when the copy cannot be made, since playing on
    /// without it could cost the player the choices the update dropped.
    pub fn load_to_play(&self, slot: &str, story: &Story) -> Result<LoadedSave, SaveError> {
        let path = self.slot_path(slot)?;
        let mut loaded = load_file(&path, story)?;
        if loaded.migration.is_some() {
            let backup = with_suffix(&path, ".pre-update");
            copy_synced(&path, &backup)?;
            loaded.backup = Some(backup);
        }
        Ok(loaded)
    }

    /// Every slot file in the directory, damaged ones included (with their problem),
    /// sorted by slot name. Backups, temporary files and the profile are not slots.
    #[must_use]
    pub fn list(&self) -> Vec<SlotInfo> {
        self.scan(None)
    }

    /// Like [`SaveStore::list`], with saves of other stories marked as a problem.
    #[must_use]
    pub fn list_for(&self, story: &Story) -> Vec<SlotInfo> {
        self.scan(Some(&story.id))
    }

    fn scan(&self, story_id: Option<&str>) -> Vec<SlotInfo> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut slots: Vec<SlotInfo> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name();
                let slot = name.to_str()?.strip_suffix(".ron")?;
                validate_slot(slot).ok()?;
                Some(slot_info(slot, &e.path(), story_id))
            })
            .collect();
        slots.sort_by(|a, b| a.slot.cmp(&b.slot));
        slots
    }

    /// The most recently saved readable slot.
    #[must_use]
    pub fn latest(&self) -> Option<SlotInfo> {
        newest(self.list())
    }

    /// The most recently saved readable slot of `story`.
    #[must_use]
    pub fn latest_for(&self, story: &Story) -> Option<SlotInfo> {
        newest(self.list_for(story))
    }
}

fn newest(slots: Vec<SlotInfo>) -> Option<SlotInfo> {
    slots
        .into_iter()
        .filter(|s| s.problem.is_none())
        .max_by(|a, b| (a.saved_at, &a.slot).cmp(&(b.saved_at, &b.slot)))
}

/// Whether the game recorded as `(seed, path)` in `old` is contained in the one of
/// `seed` and `path`: same seed, and its path is a prefix of the other.
fn contained(old: &SaveFile, seed: u64, path: &[(&str, &str)]) -> bool {
    old.seed == seed
        && old.path.len() <= path.len()
        && old
            .path
            .iter()
            .zip(path)
            .all(|(a, &(scene, choice))| a.scene == scene && a.choice == choice)
}

fn pairs(path: &[SavedStep]) -> Vec<(&str, &str)> {
    path.iter()
        .map(|s| (s.scene.as_str(), s.choice.as_str()))
        .collect()
}

fn slot_info(slot: &str, path: &Path, story_id: Option<&str>) -> SlotInfo {
    let read = read_file(path).and_then(|f| match story_id {
        Some(id) if f.story.id != id => Err(SaveError::ForeignStory {
            path: path.to_owned(),
            found: one_line(&f.story.id),
            expected: id.to_owned(),
        }),
        _ => Ok(f),
    });
    match read {
        Ok(f) => SlotInfo {
            slot: slot.to_owned(),
            label: Some(f.safe_label()),
            name: f.safe_name(),
            saved_at: Some(f.saved_at()),
            play_time: Some(f.play_time()),
            steps: Some(f.path.len()),
            problem: None,
        },
        Err(e) => SlotInfo {
            slot: slot.to_owned(),
            label: None,
            name: None,
            saved_at: None,
            play_time: None,
            steps: None,
            problem: Some(e.problem()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_names_cannot_escape_or_collide() {
        for good in ["a", "quick", "auto", "auto-previous", "1", "My_Save-2"] {
            assert!(validate_slot(good).is_ok(), "{good}");
        }
        let long = "x".repeat(65);
        for bad in [
            "",
            "../x",
            "..",
            "a/b",
            "a\\b",
            "a.ron",
            "a b",
            "é",
            "profile",
            "PROFILE",
            "con",
            "Nul",
            "lpt1",
            &long,
            "a\0",
            "\u{1b}[2J",
        ] {
            let e = validate_slot(bad).unwrap_err();
            assert!(matches!(e, SaveError::InvalidSlot { .. }), "{bad}");
            assert!(!e.to_string().contains('\u{1b}'), "{e}");
        }
    }

    #[test]
    fn atomic_writes_leave_the_slot_its_backup_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = SaveStore::new(dir.path().join("saves"));
        let target = store.dir().join("x.ron");
        store.write_atomic(&target, b"one").unwrap();
        store.write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::read(with_suffix(&target, ".bak")).unwrap(), b"one");
        let mut names: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["x.ron", "x.ron.bak"]);
        // A temporary file a crash could leave is hidden and never taken for a slot.
        let tmp = temp_sibling(&target, "new").unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(".x.ron.new.") && tmp.path().extension().is_some_and(|e| e == "tmp"),
            "{name}"
        );
        let listed: Vec<String> = store.list().into_iter().map(|s| s.slot).collect();
        assert_eq!(listed, ["x"], "only the slot is listed");
    }

    #[test]
    fn a_failed_write_names_the_slot_not_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = SaveStore::new(dir.path().to_owned());
        // The target's directory is a file: the temporary file cannot be created.
        fs::write(dir.path().join("blocked"), b"").unwrap();
        let target = dir.path().join("blocked").join("x.ron");
        let e = store.write_atomic(&target, b"x").unwrap_err().to_string();
        assert!(e.contains("x.ron"), "{e}");
        assert!(!e.contains(".new.") && !e.contains("at path"), "{e}");
    }

    #[test]
    fn directory_preference_order() {
        let flag = Path::new("/f");
        let data = Some(PathBuf::from("/data/saves"));
        assert_eq!(
            pick_dir(Some(flag), Some("/env".into()), true, data.clone()),
            PathBuf::from("/f")
        );
        assert_eq!(
            pick_dir(None, Some("/env".into()), true, data.clone()),
            PathBuf::from("/env")
        );
        assert_eq!(
            pick_dir(None, Some(OsString::new()), true, data.clone()),
            PathBuf::from("saves")
        );
        assert_eq!(
            pick_dir(None, None, false, data),
            PathBuf::from("/data/saves")
        );
        assert_eq!(pick_dir(None, None, false, None), PathBuf::from("saves"));
    }
}
