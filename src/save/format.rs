//! The save file itself: what is written, how it is read back, and how it is checked.
//!
//! Pure: text in, text out, no disk. A save is a *recording* (seed + path) with a
//! snapshot for checking, so loading never trusts the snapshot: it replays the path and
//! compares. Each step also carries a short checksum of the variables after it, which
//! pins a story edit that only changes numbers to the step where it first shows.
//!
//! # Format versions
//!
//! `format` in every file is the version it was written in. This build writes
//! [`FORMAT_VERSION`] and reads every version from [`MIN_COMPATIBLE`] up to it; a newer
//! file is refused with "made by a newer Butterfly", an older one with "too old". Any
//! change to what is written bumps `FORMAT_VERSION`; `MIN_COMPATIBLE` only rises when
//! reading an old version is given up, which is a decision to list here and in
//! docs/saves.md, never a side effect.
//!
//! - **1**: first version. Story id and content hash, seed, path with per-step
//!   checks, snapshot, label, save time and play time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{LoadedSave, SaveError, SaveLabel};
use crate::engine::{self, Divergence, GameState, Step};
use crate::sanitize::for_terminal;
use crate::story::Story;

/// The save format this build writes.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest save format this build still reads.
pub const MIN_COMPATIBLE: u32 = 1;

// A build that could not read its own saves would be a bug caught here, at compile time.
const _: () = assert!(MIN_COMPATIBLE <= FORMAT_VERSION);

/// Larger files are refused unread: a save of even a very long game is far smaller.
pub const MAX_SAVE_BYTES: u64 = crate::limits::MAX_SAVE_BYTES;

/// One save file, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Save")]
pub struct SaveFile {
    /// The format version it was written in.
    pub format: u32,
    /// The program that wrote it, for humans reading the file.
    pub written_by: String,
    /// Which story, and which revision of it.
    pub story: StoryStamp,
    /// Where the player was, for the load screen.
    pub label: SaveLabel,
    /// The player's own name for the save (format 2), if they gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it was written, in milliseconds since 1970 (UTC).
    pub saved_at_unix_ms: u64,
    /// Time spent playing this game, in milliseconds.
    pub play_time_ms: u64,
    /// The seed of the game's random generator.
    pub seed: u64,
    /// Every choice made, in order.
    pub path: Vec<SavedStep>,
    /// The state at save time, compared with the replayed one on load.
    pub snapshot: Snapshot,
}

/// Identifies the story a save belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryStamp {
    /// The story's `id`; another id means another story, and the save is refused.
    pub id: String,
    /// `Story::content_hash` in hex; a different one only means the story was edited.
    pub content_hash: String,
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedStep {
    /// The scene the choice was made in.
    pub scene: String,
    /// The choice taken.
    pub choice: String,
    /// Checksum of the variables after this step; empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub check: String,
}

/// The parts of a [`GameState`] worth comparing after a replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Current scene.
    pub scene: String,
    /// Variable values.
    pub vars: BTreeMap<String, i64>,
    /// Times each scene was entered.
    pub visits: BTreeMap<String, u32>,
    /// Once-only choices taken, as `scene/choice`.
    pub taken_once: BTreeSet<String>,
    /// The current scene's text-variant roll.
    pub roll: u64,
    /// How far the random generator has advanced.
    pub rng_word_pos: u64,
    /// The ending reached, if any.
    pub ending: Option<String>,
    /// The detours open, innermost last: where each returns to. Written only when
    /// one is open, so saves of stories without detours are as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns: Vec<String>,
}

impl Snapshot {
    /// The comparable parts of `state`.
    #[must_use]
    pub fn of(state: &GameState) -> Self {
        Self {
            scene: state.scene.clone(),
            vars: state.var_map(),
            visits: state.visit_map(),
            taken_once: state.taken_once(),
            roll: state.roll,
            // Only an absurdly long game could pass 2^64 words; saturate rather than wrap.
            rng_word_pos: u64::try_from(state.rng.get_word_pos()).unwrap_or(u64::MAX),
            ending: state.ending.clone(),
            returns: state.returns.clone(),
        }
    }
}

/// Only `format` is read first, so a future file whose other fields changed is refused
/// as "newer", not as "damaged".
#[derive(Deserialize)]
#[serde(rename = "Save")]
struct VersionProbe {
    format: u32,
}

/// The story's content hash as written in saves.
#[must_use]
pub fn hash_hex(story: &Story) -> String {
    format!("{:016x}", story.content_hash)
}

/// FNV-1a over the named variables' values: small, stable across platforms and Rust
/// versions, and only ever compared with itself.
fn checksum<'a>(names: impl IntoIterator<Item = &'a str>, state: &GameState) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    for name in names {
        eat(name.as_bytes());
        eat(&[0]);
        eat(&state.var(name).to_le_bytes());
    }
    format!("{h:08x}")
}

/// Where the player is, for the load screen (empty when the scene cannot be shown).
#[must_use]
pub fn label_of(story: &Story, state: &GameState) -> SaveLabel {
    engine::render(story, state).map_or_else(
        |_| SaveLabel {
            chapter: String::new(),
            date: String::new(),
            place: String::new(),
        },
        |v| SaveLabel {
            chapter: v.chapter,
            date: v.date,
            place: v.place,
        },
    )
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl SaveFile {
    /// Records `state` as a save.
    ///
    /// The path is replayed to compute each step's check. A step that no longer replays
    /// (the story was reloaded under a running game) is still recorded, without a
    /// check: writing what we have beats losing the game.
    #[must_use]
    pub fn record(story: &Story, state: &GameState, play_time: Duration, now: SystemTime) -> Self {
        let steps = &state.path;
        let mut checks = Vec::with_capacity(steps.len());
        let names = state.var_map();
        let _ = engine::replay_checked(story, state.seed, steps, |_, s| {
            checks.push(checksum(names.keys().map(String::as_str), s));
            Ok(())
        });
        let path = steps
            .iter()
            .enumerate()
            .map(|(i, step)| SavedStep {
                scene: step.scene.clone(),
                choice: step.choice.clone(),
                check: checks.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        Self {
            format: FORMAT_VERSION,
            written_by: format!("butterfly {}", env!("CARGO_PKG_VERSION")),
            story: StoryStamp {
                id: story.id.clone(),
                content_hash: hash_hex(story),
            },
            label: label_of(story, state),
            name: None,
            saved_at_unix_ms: millis(now.duration_since(UNIX_EPOCH).unwrap_or_default()),
            play_time_ms: millis(play_time),
            seed: state.seed,
            path,
            snapshot: Snapshot::of(state),
        }
    }

    /// When it was saved.
    #[must_use]
    pub fn saved_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.saved_at_unix_ms)
    }

    /// Time played.
    #[must_use]
    pub fn play_time(&self) -> Duration {
        Duration::from_millis(self.play_time_ms)
    }

    /// The path as engine steps.
    #[must_use]
    pub fn steps(&self) -> Vec<Step> {
        self.path
            .iter()
            .map(|s| Step {
                scene: s.scene.clone(),
                choice: s.choice.clone(),
            })
            .collect()
    }

    /// Every id the file names (path, snapshot), for validation.
    fn ids(&self) -> impl Iterator<Item = &str> {
        let s = &self.snapshot;
        self.path
            .iter()
            .flat_map(|p| [p.scene.as_str(), p.choice.as_str(), p.check.as_str()])
            .chain([s.scene.as_str()])
            .chain(s.ending.as_deref())
            .chain(s.vars.keys().map(String::as_str))
            .chain(s.visits.keys().map(String::as_str))
            .chain(s.taken_once.iter().map(String::as_str))
            .chain(s.returns.iter().map(String::as_str))
    }

    /// The player's name for the save, made safe like the label; `None` when blank.
    #[must_use]
    pub fn safe_name(&self) -> Option<String> {
        let name = one_line(self.name.as_deref()?);
        (!name.trim().is_empty()).then_some(name)
    }

    /// The label with anything that could upset a terminal neutralised: saves are
    /// files anyone can edit.
    #[must_use]
    pub fn safe_label(&self) -> SaveLabel {
        SaveLabel {
            chapter: one_line(&self.label.chapter),
            date: one_line(&self.label.date),
            place: one_line(&self.label.place),
        }
    }
}

/// Untrusted text made safe for one line of a terminal (or a `//` comment).
pub(crate) fn one_line(text: &str) -> String {
    let mut s: String = for_terminal(text)
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .take(200)
        .collect();
    s.truncate(s.trim_end().len());
    s
}

/// Writes a save as RON, with a comment line for humans on top.
///
/// # Errors
/// Only if serialisation itself fails, which the types here do not allow.
pub fn encode(file: &SaveFile, story_title: &str) -> Result<String, SaveError> {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(2)
        .new_line("\n".to_owned());
    let body = ron::Options::default()
        .to_string_pretty(file, config)
        .map_err(|e| SaveError::Encode(e.to_string()))?;
    let l = &file.label;
    let mut out = format!(
        "// Butterfly save: {} / {}, {} · {} / saved {}\n",
        one_line(story_title),
        one_line(&l.chapter),
        one_line(&l.date),
        one_line(&l.place),
        format_utc(file.saved_at()),
    );
    out.push_str(
        "// Loading replays `path` from `seed` and compares the result with `snapshot`.\n",
    );
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}

/// Reads a save's text: the version first, then the rest.
///
/// # Errors
/// Damaged text, or a format version outside what this build reads.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<SaveFile, SaveError> {
    let damaged = |detail: String| SaveError::Damaged {
        path: path.to_owned(),
        detail: one_line(&detail),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(damaged("the file is empty".to_owned()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| damaged(format!("not UTF-8 text ({e})")))?;
    let options = ron::Options::default();
    let probe: VersionProbe = options.from_str(text).map_err(|e| damaged(e.to_string()))?;
    if probe.format > FORMAT_VERSION {
        return Err(SaveError::FutureVersion {
            path: path.to_owned(),
            found: probe.format,
            supported: FORMAT_VERSION,
        });
    }
    if probe.format < MIN_COMPATIBLE {
        return Err(SaveError::TooOld {
            path: path.to_owned(),
            found: probe.format,
            minimum: MIN_COMPATIBLE,
        });
    }
    let file: SaveFile = options.from_str(text).map_err(|e| damaged(e.to_string()))?;
    if let Some(bad) = file.ids().find(|id| !is_plain_id(id)) {
        return Err(damaged(format!(
            "`{bad}` is not a valid scene, choice or variable id"
        )));
    }
    Ok(file)
}

/// Ids from a save end up in messages; one a story could not contain (control
/// characters, line breaks, absurd length) means the file was tampered with.
/// The rule the checker applies to a story's ids, plus no control characters (which
/// the load neutralises): [`crate::limits::saved_id_problem`].
fn is_plain_id(id: &str) -> bool {
    crate::limits::saved_id_problem(id).is_none()
}

/// Checks a decoded save against `story` by replaying it.
///
/// A different content hash is fine as long as the replay matches; a step that no
/// longer applies, or an outcome that differs from the recording, is a divergence,
/// reported with the state after the last good step.
///
/// # Errors
/// A save of another story, or one that cannot even start.
pub fn verify(path: &Path, story: &Story, file: &SaveFile) -> Result<LoadedSave, SaveError> {
    if file.story.id != story.id {
        return Err(SaveError::ForeignStory {
            path: path.to_owned(),
            found: one_line(&file.story.id),
            expected: story.id.clone(),
        });
    }
    let story_changed = file.story.content_hash != hash_hex(story);
    let steps = file.steps();
    // Checks cover the variables the save knew; one since removed makes them moot.
    let names: Vec<&str> = file.snapshot.vars.keys().map(String::as_str).collect();
    let checkable = names.iter().all(|n| story.variable(n).is_some());
    let replayed = engine::replay_checked(story, file.seed, &steps, |i, state| {
        let want = &file.path[i].check;
        if !checkable || want.is_empty() || checksum(names.iter().copied(), state) == *want {
            Ok(())
        } else {
            Err(
                "the variables come out differently after it than when the game was saved"
                    .to_owned(),
            )
        }
    });
    let divergence = match replayed {
        Ok(state) => match compare(&file.snapshot, &state, !story_changed) {
            None => {
                return Ok(loaded(story, file, state, None, story_changed));
            }
            Some(reason) => at_last_step(story, file, &steps, reason),
        },
        Err(d) => d,
    };
    if divergence.last_good.scene.is_empty() {
        return Err(SaveError::Unplayable {
            path: path.to_owned(),
            divergence: Box::new(divergence),
        });
    }
    let state = (*divergence.last_good).clone();
    Ok(loaded(story, file, state, Some(divergence), story_changed))
}

fn loaded(
    story: &Story,
    file: &SaveFile,
    state: GameState,
    divergence: Option<Divergence>,
    story_changed: bool,
) -> LoadedSave {
    LoadedSave {
        state,
        migration: divergence
            .clone()
            .map(|d| engine::migrate(story, file.path.len(), d)),
        backup: None,
        divergence,
        play_time: file.play_time(),
        story_changed,
        label: file.safe_label(),
        saved_at: file.saved_at(),
    }
}

/// A mismatch only seen once every step replayed is blamed on the last step (or the
/// start, for an empty path), and the game resumes from just before it.
fn at_last_step(story: &Story, file: &SaveFile, steps: &[Step], reason: String) -> Divergence {
    let Some((last, earlier)) = steps.split_last() else {
        let start = engine::start(story, file.seed).map(|(s, _)| s);
        return Divergence {
            step: 0,
            scene: story.start.clone(),
            choice: String::new(),
            reason,
            last_good: Box::new(start.unwrap_or_else(|_| blank(file.seed))),
        };
    };
    let before = engine::replay(story, file.seed, earlier).unwrap_or_else(|d| *d.last_good);
    Divergence {
        step: earlier.len(),
        scene: last.scene.clone(),
        choice: last.choice.clone(),
        reason,
        last_good: Box::new(before),
    }
}

fn blank(seed: u64) -> GameState {
    GameState::new(seed, BTreeMap::new())
}

/// Open detours' return scenes, for a message: `` `a`, `b` `` or "nothing".
fn listed(returns: &[String]) -> String {
    if returns.is_empty() {
        return "nothing".to_owned();
    }
    returns
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_var_difference(saved: &Snapshot, state: &GameState) -> Option<String> {
    saved.vars.iter().find_map(|(name, &was)| {
        let i = state.layout().var_ix(name)?;
        let now = state.value(i);
        (now != was).then(|| format!("`{name}` is {now} where the save has {was}"))
    })
}

/// How the replayed state differs from the recorded one, if it does. Variables added
/// to or removed from the story since are ignored; visit counts and random draws are
/// only compared when the story is byte-for-byte the same, since an added junction
/// scene legitimately shifts them.
fn compare(saved: &Snapshot, state: &GameState, exact: bool) -> Option<String> {
    if saved.scene != state.scene {
        return Some(format!(
            "the story now leads to `{}` where the save is in `{}`",
            state.scene, saved.scene
        ));
    }
    if saved.ending != state.ending {
        return Some(match (&saved.ending, &state.ending) {
            (Some(was), Some(now)) => format!("the game now ends in `{now}`, not `{was}`"),
            (Some(was), None) => format!("the game no longer ends (the save ended in `{was}`)"),
            (None, _) => "the game now ends here".to_owned(),
        });
    }
    if saved.returns != state.returns {
        return Some(format!(
            "the game now returns to {} where the save returns to {}",
            listed(&state.returns),
            listed(&saved.returns)
        ));
    }
    if let Some(d) = first_var_difference(saved, state) {
        return Some(d);
    }
    let taken_once = state.taken_once();
    if saved.taken_once != taken_once {
        let key = saved
            .taken_once
            .symmetric_difference(&taken_once)
            .next()
            .cloned()
            .unwrap_or_default();
        return Some(format!(
            "the once-only choice `{key}` is recorded differently"
        ));
    }
    if exact {
        let now = Snapshot::of(state);
        if saved.visits != now.visits {
            return Some("the scene visit counts differ from the recording".to_owned());
        }
        if saved.roll != now.roll || saved.rng_word_pos != now.rng_word_pos {
            return Some("the random draws differ from the recording".to_owned());
        }
    }
    None
}

/// `2025-11-23 11:33 UTC`: dates in saves and listings without a time-zone database.
#[must_use]
pub fn format_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Days since 1970-01-01 to a Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(format_utc(UNIX_EPOCH), "1970-01-01 00:00 UTC");
        // 2000-02-29 12:34:56 UTC: a leap day in a century leap year.
        let t = UNIX_EPOCH + Duration::from_secs(951_827_696);
        assert_eq!(format_utc(t), "2000-02-29 12:34 UTC");
        let t = UNIX_EPOCH + Duration::from_secs(1_767_225_599);
        assert_eq!(format_utc(t), "2025-12-31 23:59 UTC");
    }

    #[test]
    fn one_line_cannot_break_out_of_a_comment() {
        assert_eq!(one_line("a\nb\u{1b}[2J "), "a b\u{FFFD}[2J");
    }

    #[test]
    fn checksums_depend_on_values_and_names() {
        let mut s = GameState::new(1, BTreeMap::from([("a".to_owned(), 1)]));
        let one = checksum(["a"], &s);
        s.set_var("a", 2);
        assert_ne!(one, checksum(["a"], &s));
        assert_ne!(checksum(["a"], &s), checksum(["b"], &s));
        assert_eq!(one.len(), 8);
    }
}
