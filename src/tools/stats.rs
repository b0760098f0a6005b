//! Numbers about a story: how big it is, how it is spread over chapters, how long a game
//! takes.
//!
//! Sizes come straight from the story; game lengths come from an
//! [`explore`](super::explore) report (random runs for min/mean/max, the shortest
//! witness for each ending), so they are lengths of real games, not of paths that
//! conditions would forbid.

use std::fmt;

use super::explore::Report;
use crate::story::{Story, Text};

/// One row of the per-chapter table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterStats {
    /// The chapter title (as scenes show it).
    pub title: String,
    /// Scenes in it.
    pub scenes: usize,
    /// Choices in its scenes (extensions included).
    pub choices: usize,
    /// Words of its scenes' text and choice labels.
    pub words: usize,
}

/// Everything `butterfly stats` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Words shown to players, all told.
    pub words: usize,
    /// Scenes.
    pub scenes: usize,
    /// Choices.
    pub choices: usize,
    /// Declared endings.
    pub endings: usize,
    /// Declared variables.
    pub variables: usize,
    /// Per chapter, in the order a game first meets them.
    pub chapters: Vec<ChapterStats>,
    /// Words of ending epilogues.
    pub epilogue_words: usize,
    /// Words of the content note, afterword and credits.
    pub other_words: usize,
    /// Random runs behind the lengths.
    pub runs: u32,
    /// Runs that ended: fewest, mean and most choices.
    pub lengths: Option<(usize, f64, usize)>,
    /// Each ending's title and the length of its shortest known game.
    pub shortest: Vec<(String, Option<usize>)>,
}

fn words(texts: &[Text]) -> usize {
    texts.iter().map(Text::word_count).sum()
}

/// Each scene's distance in steps from the start, ignoring conditions (`None`: cannot
/// be reached at all).
fn depths(story: &Story) -> Vec<Option<usize>> {
    let mut depth = vec![None; story.scenes.len()];
    let Some(&start) = story.scene_position(&story.start).as_ref() else {
        return depth;
    };
    depth[start] = Some(0);
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(i) = queue.pop_front() {
        let d = depth[i].unwrap_or(0);
        for (t, _) in story.scenes[i].targets() {
            if let Some(&j) = story.scene_position(t).as_ref()
                && depth[j].is_none()
            {
                depth[j] = Some(d + 1);
                queue.push_back(j);
            }
        }
    }
    depth
}

/// Computes the stats of `story`, with game lengths from `report`.
#[must_use]
pub fn compute(story: &Story, report: &Report) -> Stats {
    // One pass over the scenes, chapters found by title in a map: a story may have as
    // many chapter titles as scenes.
    let depth = depths(story);
    let mut chapters: Vec<ChapterStats> = Vec::new();
    let mut first_depth: Vec<usize> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (s, d) in story.scenes.iter().zip(&depth) {
        let w = words(&s.text)
            + s.choices()
                .iter()
                .map(|c| c.label.word_count())
                .sum::<usize>();
        let k = *index.entry(&*s.chapter).or_insert_with(|| {
            chapters.push(ChapterStats {
                title: s.chapter.to_string(),
                scenes: 0,
                choices: 0,
                words: 0,
            });
            first_depth.push(usize::MAX);
            chapters.len() - 1
        });
        let row = &mut chapters[k];
        row.scenes += 1;
        row.choices += s.choices().len();
        row.words += w;
        if let Some(d) = d {
            first_depth[k] = first_depth[k].min(*d);
        }
    }
    // Narrative order: by how soon a chapter can first be reached from the start (a
    // stable sort, so ties keep file order).
    let mut order: Vec<usize> = (0..chapters.len()).collect();
    order.sort_by_key(|&k| first_depth[k]);
    let mut slots: Vec<Option<ChapterStats>> = chapters.into_iter().map(Some).collect();
    let chapters: Vec<ChapterStats> = order.into_iter().filter_map(|k| slots[k].take()).collect();
    let l = report.lengths;
    Stats {
        words: story.word_count(),
        scenes: story.scenes.len(),
        choices: story.choice_count(),
        endings: story.endings.len(),
        variables: story.variables.len(),
        chapters,
        epilogue_words: story.endings.iter().map(|e| words(&e.epilogue)).sum(),
        other_words: words(&story.content_note) + words(&story.afterword) + words(&story.credits),
        runs: report.options.runs,
        lengths: l.mean().map(|m| (l.min, m, l.max)),
        shortest: report
            .endings
            .iter()
            .map(|e| (e.title.clone(), e.witness.as_ref().map(|w| w.steps.len())))
            .collect(),
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "words:     {}", self.words)?;
        writeln!(f, "scenes:    {}", self.scenes)?;
        writeln!(f, "choices:   {}", self.choices)?;
        writeln!(f, "endings:   {}", self.endings)?;
        writeln!(f, "variables: {}", self.variables)?;
        writeln!(f)?;
        match self.lengths {
            Some((min, mean, max)) => writeln!(
                f,
                "game length (choices, over {} random runs): min {min}, mean {mean:.1}, max {max}",
                self.runs
            )?,
            None => writeln!(f, "game length: no random run reached an ending")?,
        }
        writeln!(f, "shortest game to each ending:")?;
        let width = self
            .shortest
            .iter()
            .map(|(t, _)| t.chars().count())
            .max()
            .unwrap_or(0);
        for (title, n) in &self.shortest {
            match n {
                Some(n) => writeln!(f, "  {title:<width$}  {n} choices")?,
                None => writeln!(f, "  {title:<width$}  not reached")?,
            }
        }
        writeln!(f)?;
        let width = self
            .chapters
            .iter()
            .map(|c| c.title.chars().count())
            .chain([
                "Chapter".len(),
                "(ending epilogues)".len(),
                "(note, afterword, credits)".len(),
            ])
            .max()
            .unwrap_or(0);
        writeln!(
            f,
            "{:<width$}  {:>6}  {:>7}  {:>7}",
            "Chapter", "scenes", "choices", "words"
        )?;
        writeln!(f, "{}", "-".repeat(width + 26))?;
        for c in &self.chapters {
            writeln!(
                f,
                "{:<width$}  {:>6}  {:>7}  {:>7}",
                c.title, c.scenes, c.choices, c.words
            )?;
        }
        writeln!(
            f,
            "{:<width$}  {:>6}  {:>7}  {:>7}",
            "(ending epilogues)", "", "", self.epilogue_words
        )?;
        writeln!(
            f,
            "{:<width$}  {:>6}  {:>7}  {:>7}",
            "(note, afterword, credits)", "", "", self.other_words
        )?;
        writeln!(f, "{}", "-".repeat(width + 26))?;
        writeln!(
            f,
            "{:<width$}  {:>6}  {:>7}  {:>7}",
            "Total", self.scenes, self.choices, self.words
        )
    }
}
