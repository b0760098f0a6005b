//! The scene graph as text that draws: Graphviz `dot` or Mermaid.
//!
//! Authors lose track of a branching story long before the engine does; a map they can
//! render (Graphviz locally, Mermaid in any Markdown viewer) shows at a glance what leads
//! where and under which condition. Both formats are built from one intermediate
//! [`Graph`], so they always show the same thing: scenes grouped by chapter (numbered in
//! reading order), each labelled with its id and the first words of its text, the start
//! and the endings (with their titles) marked by shape and colour, and every edge of a
//! [`EdgeKind`]: choices, continues, chances, and detours — the way into one drawn bold
//! in green, each of its returns dashed in green back to where play goes on
//! (`returns.rs`); conditional edges and choices that another file hooks in with
//! `extend` drawn apart.
//!
//! A whole story is too big to read at once, so [`Graph::chapter`] cuts out one chapter,
//! with the scenes just outside it as small stubs so that the ways in and out still show.
//! Every string of the graph comes from the story and is passed through the one
//! neutraliser ([`for_terminal`]) when the graph is built, so neither a terminal nor
//! Graphviz ever sees a control character or a bidirectional override from it.

mod returns;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt::Write as _;

use crate::sanitize::for_terminal;
use crate::story::model::{Choice, Exit, Scene, Story};
use crate::story::text::Segment;

/// The output syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Graphviz (`dot -Tsvg`).
    Dot,
    /// Mermaid flowchart (GitHub, GitLab and most Markdown viewers draw it).
    Mermaid,
}

/// What a node stands for; decides its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// The story's first scene.
    Start,
    /// A scene the player reads and leaves by a choice or Continue.
    Scene,
    /// Routes and no text: passed through without stopping.
    Junction,
    /// Closes the game with this ending title.
    Ending(String),
}

/// A scene in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The scene id.
    pub id: String,
    /// Its kind.
    pub kind: NodeKind,
    /// The first words of its first paragraph (empty for a scene without text).
    pub excerpt: String,
    /// Index of its chapter in [`Graph::clusters`] (of the whole story's graph, for a
    /// stub).
    pub chapter: usize,
    /// For a scene of another chapter shown only so that the edges into and out of a
    /// [`Graph::chapter`] view stay visible: that chapter's title. Drawn small, outside
    /// every cluster.
    pub stub: Option<String>,
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// A choice the player makes.
    Choice,
    /// The way on from a scene left by Continue (or passed through, for a junction).
    Route,
    /// The other outcome of a choice with a chance.
    Chance,
    /// Into a detour (`detour:` on a choice or route); its `goto` is drawn as the
    /// detour's returns.
    Detour,
    /// Out of a detour (`goto: "<return>"`), to where the step that took it goes on.
    Return,
}

/// One way from a scene to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Index of the source node.
    pub from: usize,
    /// Index of the target node.
    pub to: usize,
    /// What it stands for.
    pub kind: EdgeKind,
    /// Lines of the label (may be empty). Unconditional ways of one kind between the
    /// same two scenes are drawn as one edge with a line each.
    pub label: Vec<String>,
    /// Guarded by a condition (shown in the label as `if ...`).
    pub conditional: bool,
    /// A choice added to the scene by another file's `extend`.
    pub extension: bool,
}

/// Scenes of one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Its number, from 1, in reading order (see [`Graph::clusters`]); a chapter view
    /// keeps the number of its chapter in the whole story.
    pub number: usize,
    /// The chapter title.
    pub title: String,
    /// The files its scenes were written in, in story order.
    pub files: Vec<String>,
    /// Indices of its nodes, in story order.
    pub nodes: Vec<usize>,
}

/// The format-independent graph both renderers draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// Every scene, in story order (and, in a chapter view, the stubs after them).
    pub nodes: Vec<Node>,
    /// Chapters in reading order: each after every chapter that leads into it, the one
    /// a breadth-first walk from the start reaches soonest first (then those it never
    /// reaches, in story order). A chapter view has only its own.
    pub clusters: Vec<Cluster>,
    /// Every edge, in story order.
    pub edges: Vec<Edge>,
}

/// Characters of a scene's text shown under its id, at most (cut at a word boundary).
pub const EXCERPT_CHARS: usize = 40;

/// The condition as the author wrote it, or its parsed form when the text is not kept.
fn condition(source: Option<&str>, expr: Option<&crate::story::expr::Expr>) -> Option<String> {
    source
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .or_else(|| expr.map(ToString::to_string))
}

/// The first words of a scene's first paragraph as an author would recognise them:
/// variables as `{name}`, the first branch of a choice of words, conditional passages
/// left out (unless the paragraph is nothing else), emphasis marks and tags dropped;
/// at most [`EXCERPT_CHARS`], cut at a word boundary with `…`.
#[must_use]
pub fn excerpt(scene: &Scene) -> String {
    fn walk(segs: &[Segment], conditional: bool, out: &mut String) {
        for s in segs {
            if out.chars().count() > EXCERPT_CHARS {
                return;
            }
            match s {
                Segment::Lit(t) => out.extend(t.chars().filter(|&c| c != '*')),
                Segment::Var(name) | Segment::EnumVar(name, _) => {
                    let _ = write!(out, "{{{name}}}");
                }
                Segment::If(block) if conditional => {
                    let (then, otherwise) = (&block.then, &block.otherwise);
                    walk(if then.is_empty() { otherwise } else { then }, true, out);
                }
                Segment::Tag(_) | Segment::If(..) => {}
                Segment::OneOf(_, options) | Segment::Vary(_, _, options) => {
                    if let Some(first) = options.first() {
                        walk(first, conditional, out);
                    }
                }
            }
        }
    }
    let mut raw = String::new();
    if let Some(first) = scene.text.first() {
        walk(&first.segments, false, &mut raw);
        if raw.trim().is_empty() {
            raw.clear();
            walk(&first.segments, true, &mut raw);
        }
    }
    shorten(&for_terminal(&raw), EXCERPT_CHARS)
}

/// `text` with its whitespace collapsed, cut to at most `max` characters (the `…` that
/// marks a cut included) at a word boundary, mid-word only when the first word alone
/// is too long.
fn shorten(text: &str, max: usize) -> String {
    let whole = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    let room = max.saturating_sub(1);
    let mut out = String::new();
    let mut chars = 0;
    for word in whole.split(' ') {
        let len = word.chars().count();
        let sep = usize::from(!out.is_empty());
        if chars + sep + len > room {
            break;
        }
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(word);
        chars += sep + len;
    }
    if out.is_empty() {
        out.extend(whole.chars().take(room));
    }
    out.push('…');
    out
}

struct Builder<'a> {
    graph: Graph,
    index: HashMap<&'a str, usize>,
    /// Unconditional edges by their ends and kind, to draw parallel ones as one.
    merged: HashMap<(usize, usize, EdgeKind, bool), usize>,
}

impl Builder<'_> {
    fn edge(
        &mut self,
        from: usize,
        goto: &str,
        kind: EdgeKind,
        label: Vec<String>,
        cond: bool,
        extension: bool,
    ) {
        let Some(&to) = self.index.get(goto) else {
            return;
        };
        let label: Vec<String> = label.into_iter().map(|l| for_terminal(&l)).collect();
        if !cond && kind != EdgeKind::Chance {
            if let Some(&k) = self.merged.get(&(from, to, kind, extension)) {
                self.graph.edges[k].label.extend(label);
                return;
            }
            self.merged
                .insert((from, to, kind, extension), self.graph.edges.len());
        }
        self.graph.edges.push(Edge {
            from,
            to,
            kind,
            label,
            conditional: cond,
            extension,
        });
    }

    fn choice(&mut self, scene: &Scene, from: usize, c: &Choice) {
        let extension = c.origin != scene.origin;
        let mut first = if extension {
            format!("+ {}", c.id)
        } else {
            c.id.to_string()
        };
        if let Some(ch) = c.chance() {
            let _ = write!(first, " ({}%)", 100 - u32::from(ch.percent));
        }
        if c.once {
            first.push_str(" (once)");
        }
        let mut label = vec![first];
        let cond = condition(c.when_source(), c.when());
        if let Some(cond) = &cond {
            label.push(format!("if {cond}"));
        }
        // A detour's `goto` is where its return leads: drawn as the return edges.
        let (kind, to) = match c.detour() {
            Some(detour) => {
                label[0].push_str(" (detour)");
                (EdgeKind::Detour, detour)
            }
            None => (EdgeKind::Choice, c.goto.as_str()),
        };
        self.edge(from, to, kind, label, cond.is_some(), extension);
        if let Some(ch) = c.chance()
            && c.detour().is_none()
        {
            let mut label = vec![format!("{} ({}% chance)", c.id, ch.percent)];
            if let Some(cond) = &cond {
                label.push(format!("if {cond}"));
            }
            self.edge(
                from,
                &ch.goto,
                EdgeKind::Chance,
                label,
                cond.is_some(),
                extension,
            );
        }
    }
}

impl Graph {
    /// Builds the graph of a story.
    #[must_use]
    pub fn of(story: &Story) -> Self {
        let index = story
            .scenes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let mut b = Builder {
            graph: Graph {
                nodes: Vec::with_capacity(story.scenes.len()),
                clusters: Vec::new(),
                edges: Vec::new(),
            },
            index,
            merged: HashMap::new(),
        };
        let mut chapters: HashMap<&str, usize> = HashMap::new();
        for (i, s) in story.scenes.iter().enumerate() {
            let kind = match &s.exit {
                Exit::Ending(e) => NodeKind::Ending(for_terminal(
                    &story
                        .ending(e)
                        .map_or_else(|| e.clone(), |end| end.title.clone()),
                )),
                _ if s.id == story.start => NodeKind::Start,
                _ if s.is_junction() => NodeKind::Junction,
                _ => NodeKind::Scene,
            };
            let file = story.files.get(s.origin.file()).map_or("", String::as_str);
            let chapter = *chapters.entry(&*s.chapter).or_insert_with(|| {
                b.graph.clusters.push(Cluster {
                    number: 0,
                    title: for_terminal(&s.chapter),
                    files: Vec::new(),
                    nodes: Vec::new(),
                });
                b.graph.clusters.len() - 1
            });
            let cluster = &mut b.graph.clusters[chapter];
            cluster.nodes.push(i);
            if !file.is_empty() && !cluster.files.iter().any(|f| f == file) {
                cluster.files.push(for_terminal(file));
            }
            b.graph.nodes.push(Node {
                id: for_terminal(&s.id),
                kind,
                excerpt: excerpt(s),
                chapter,
                stub: None,
            });
        }
        for (i, s) in story.scenes.iter().enumerate() {
            match &s.exit {
                Exit::Choices(list) => {
                    for c in list {
                        b.choice(s, i, c);
                    }
                }
                Exit::Routes(routes) => {
                    let several = routes.len() > 1;
                    for r in routes {
                        let cond = condition(r.when_source(), r.when());
                        let mut label = match &cond {
                            Some(c) => vec![format!("if {c}")],
                            None if several => vec!["otherwise".to_owned()],
                            None => Vec::new(),
                        };
                        let (kind, to) = match r.detour.as_deref() {
                            Some(detour) => {
                                label.push("(detour)".to_owned());
                                (EdgeKind::Detour, detour)
                            }
                            None => (EdgeKind::Route, r.goto.as_str()),
                        };
                        b.edge(i, to, kind, label, cond.is_some(), false);
                    }
                }
                Exit::Ending(_) => {}
            }
        }
        let mut graph = b.graph;
        for (from, to) in returns::edges(story) {
            graph.edges.push(Edge {
                from,
                to,
                kind: EdgeKind::Return,
                label: vec!["return".to_owned()],
                conditional: false,
                extension: false,
            });
        }
        let start = story.scene_position(&story.start);
        graph.order_chapters(start);
        graph
    }

    /// Puts the clusters in reading order (see [`Graph::clusters`]).
    fn order_chapters(&mut self, start: Option<usize>) {
        let chapters = self.clusters.len();
        // How soon a breadth-first walk from the start reaches each chapter.
        let mut targets: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for e in &self.edges {
            targets[e.from].push(e.to);
        }
        let mut reached = vec![usize::MAX; chapters];
        let mut next = 0;
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = std::collections::VecDeque::new();
        if let Some(s) = start {
            seen[s] = true;
            queue.push_back(s);
        }
        while let Some(n) = queue.pop_front() {
            let c = self.nodes[n].chapter;
            if reached[c] == usize::MAX {
                reached[c] = next;
                next += 1;
            }
            for &t in &targets[n] {
                if !seen[t] {
                    seen[t] = true;
                    queue.push_back(t);
                }
            }
        }
        // A chapter comes after every chapter that leads into it (an ending's chapter
        // after the last chapter that can end in it), the soonest reached first; a
        // cycle of chapters is entered where the walk first reached it.
        let key = |c: usize| (reached[c], c);
        let mut into: Vec<Vec<usize>> = vec![Vec::new(); chapters];
        let mut waiting = vec![0usize; chapters];
        let mut pairs = std::collections::HashSet::new();
        for e in &self.edges {
            let (a, b) = (self.nodes[e.from].chapter, self.nodes[e.to].chapter);
            if a != b && pairs.insert((a, b)) {
                into[a].push(b);
                waiting[b] += 1;
            }
        }
        let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..chapters)
            .filter(|&c| waiting[c] == 0)
            .map(|c| Reverse(key(c)))
            .collect();
        let mut placed = vec![false; chapters];
        let mut order: Vec<usize> = Vec::with_capacity(chapters);
        let mut rest: Vec<usize> = (0..chapters).collect();
        rest.sort_by_key(|&c| Reverse(key(c)));
        while order.len() < chapters {
            let c = match ready.pop() {
                Some(Reverse((_, c))) if !placed[c] => c,
                Some(_) => continue,
                None => {
                    // Only cycles are left: break one at its soonest-reached chapter.
                    while rest.last().is_some_and(|&c| placed[c]) {
                        rest.pop();
                    }
                    let Some(c) = rest.pop() else { break };
                    c
                }
            };
            placed[c] = true;
            order.push(c);
            for &d in &into[c] {
                waiting[d] = waiting[d].saturating_sub(1);
                if waiting[d] == 0 && !placed[d] {
                    ready.push(Reverse(key(d)));
                }
            }
        }
        let mut new_index = vec![0; chapters];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut old: Vec<Option<Cluster>> = std::mem::take(&mut self.clusters)
            .into_iter()
            .map(Some)
            .collect();
        self.clusters = order.iter().filter_map(|&c| old[c].take()).collect();
        for (k, c) in self.clusters.iter_mut().enumerate() {
            c.number = k + 1;
        }
        for n in &mut self.nodes {
            n.chapter = new_index[n.chapter];
        }
    }

    /// The chapter an author means by `query`: its number (from 1, in the order of
    /// [`Graph::clusters`]), its title (ignoring case, and straight or curly
    /// apostrophes), or a file it is written in (`beijing/01_recital.ron`, with or
    /// without the folder or the `.ron`).
    #[must_use]
    pub fn find_chapter(&self, query: &str) -> Option<usize> {
        let q = query.trim();
        if let Ok(n) = q.parse::<usize>() {
            return (1..=self.clusters.len()).contains(&n).then(|| n - 1);
        }
        let fold = |s: &str| s.to_lowercase().replace(['’', '‘'], "'");
        let wanted = fold(q);
        if let Some(k) = self.clusters.iter().position(|c| fold(&c.title) == wanted) {
            return Some(k);
        }
        // The whole path, or its last folders and name, with or without `.ron`.
        let matches_file = |f: &str| {
            let f = fold(f);
            let no_ext = f.strip_suffix(".ron").unwrap_or(&f);
            [f.as_str(), no_ext].iter().any(|x| {
                *x == wanted
                    || x.strip_suffix(wanted.as_str())
                        .is_some_and(|head| head.ends_with('/'))
            })
        };
        self.clusters
            .iter()
            .position(|c| c.files.iter().any(|f| matches_file(f)))
    }

    /// The chapters, one a line: number, title and files. What to tell an author whose
    /// `--chapter` matched none.
    #[must_use]
    pub fn chapter_list(&self) -> String {
        let mut out = String::new();
        let width = self.clusters.len().to_string().len();
        for c in &self.clusters {
            let _ = writeln!(
                out,
                "  {:>width$}  {}  ({})",
                c.number,
                c.title,
                c.files.join(", ")
            );
        }
        out
    }

    /// Chapter `k` alone: its scenes and the edges touching them, the scenes at their
    /// other ends drawn as stubs. `None` when there is no such chapter.
    #[must_use]
    pub fn chapter(&self, k: usize) -> Option<Graph> {
        let cluster = self.clusters.get(k)?;
        let mut map: HashMap<usize, usize> = HashMap::new();
        let mut nodes = Vec::new();
        for &n in &cluster.nodes {
            map.insert(n, nodes.len());
            let mut node = self.nodes[n].clone();
            node.chapter = 0;
            nodes.push(node);
        }
        let inside = nodes.len();
        let mut edges = Vec::new();
        for e in &self.edges {
            let from_in = self.nodes[e.from].chapter == k;
            let to_in = self.nodes[e.to].chapter == k;
            if !from_in && !to_in {
                continue;
            }
            let mut end = |n: usize| {
                *map.entry(n).or_insert_with(|| {
                    let node = &self.nodes[n];
                    nodes.push(Node {
                        stub: Some(self.clusters[node.chapter].title.clone()),
                        ..node.clone()
                    });
                    nodes.len() - 1
                })
            };
            let (from, to) = (end(e.from), end(e.to));
            edges.push(Edge {
                from,
                to,
                ..e.clone()
            });
        }
        Some(Graph {
            nodes,
            clusters: vec![Cluster {
                number: cluster.number,
                title: cluster.title.clone(),
                files: cluster.files.clone(),
                nodes: (0..inside).collect(),
            }],
            edges,
        })
    }

    /// Draws the graph in `format`.
    #[must_use]
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Dot => self.dot(),
            Format::Mermaid => self.mermaid(),
        }
    }

    /// A node's label lines: its id, then what it is or how it begins.
    fn node_lines(node: &Node) -> Vec<String> {
        let mut lines = vec![node.id.clone()];
        match &node.kind {
            NodeKind::Start => lines.push("START".to_owned()),
            NodeKind::Ending(title) => lines.push(format!("ENDING: {title}")),
            NodeKind::Scene | NodeKind::Junction => {}
        }
        match &node.stub {
            Some(chapter) => lines.push(format!("(in {chapter})")),
            None if !node.excerpt.is_empty() && !matches!(node.kind, NodeKind::Ending(_)) => {
                lines.push(node.excerpt.clone());
            }
            None => {}
        }
        lines
    }

    /// The heading of cluster `k`: its number, by which `--chapter` finds it, and its
    /// title.
    fn cluster_title(&self, k: usize) -> String {
        let c = &self.clusters[k];
        format!("{}. {}", c.number, c.title)
    }

    /// Graphviz source.
    #[must_use]
    pub fn dot(&self) -> String {
        let mut out = String::new();
        out.push_str("digraph story {\n");
        out.push_str("  // Start: bold box. Endings: red double octagons with their titles.\n");
        out.push_str("  // Junctions: diamonds. Grey dashed boxes: scenes of other chapters.\n");
        out.push_str("  // Edges: solid, a choice; hollow arrow, Continue; dotted, a chance;\n");
        out.push_str(
            "  // orange, under a condition; blue dashed, added by another file's `extend`;\n",
        );
        out.push_str("  // green: a detour (bold, in) and its returns (dashed, out).\n");
        // Cluster titles sit at the top left, where edges entering a chapter (drawn to
        // its first scenes, in the middle) seldom cross them; and an edge into a chapter
        // with a single way in ends at the chapter's border (`lhead`), above its title,
        // as one out of a chapter with a single way out starts there (`ltail`).
        out.push_str(
            "  graph [rankdir=TB, fontname=\"Helvetica\", compound=true, labeljust=l, labelloc=t, nodesep=0.3, ranksep=0.4];\n",
        );
        out.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for k in 0..self.clusters.len() {
            let _ = writeln!(out, "  subgraph cluster_{k} {{");
            let _ = writeln!(
                out,
                "    label=\"{}\"; fontsize=16; fontname=\"Helvetica-Bold\";",
                dot_escape(&self.cluster_title(k))
            );
            out.push_str("    style=rounded; color=gray60;\n");
            for &n in &self.clusters[k].nodes {
                self.dot_node(&mut out, "    ", n);
            }
            out.push_str("  }\n");
        }
        for n in 0..self.nodes.len() {
            if self.nodes[n].stub.is_some() {
                self.dot_node(&mut out, "  ", n);
            }
        }
        let entries = self.single_ends(true);
        let exits = self.single_ends(false);
        for e in &self.edges {
            let mut attrs = Vec::new();
            if !e.label.is_empty() {
                attrs.push(format!("label=\"{}\"", dot_escape(&e.label.join("\n"))));
            }
            attrs.extend(dot_edge_attrs(e).into_iter().map(str::to_owned));
            if let Some(&Some(k)) = entries.get(e.to)
                && self.cluster_of(e.from) != Some(k)
            {
                attrs.push(format!("lhead=cluster_{k}"));
            }
            if let Some(&Some(k)) = exits.get(e.from)
                && self.cluster_of(e.to) != Some(k)
            {
                attrs.push(format!("ltail=cluster_{k}"));
            }
            // Scene ids are the node ids: the source reads like the story.
            let from = dot_escape(&self.nodes[e.from].id);
            let to = dot_escape(&self.nodes[e.to].id);
            if attrs.is_empty() {
                let _ = writeln!(out, "  \"{from}\" -> \"{to}\";");
            } else {
                let _ = writeln!(out, "  \"{from}\" -> \"{to}\" [{}];", attrs.join(", "));
            }
        }
        out.push_str("}\n");
        out
    }

    /// The cluster drawing node `n` (`None` for a stub), by its place in
    /// [`Graph::clusters`].
    fn cluster_of(&self, n: usize) -> Option<usize> {
        let node = &self.nodes[n];
        if node.stub.is_some() {
            return None;
        }
        // A chapter view has one cluster, whose `chapter` is the whole story's number.
        Some(if self.clusters.len() == 1 {
            0
        } else {
            node.chapter
        })
    }

    /// For each node, its cluster when it is that cluster's only way in from outside
    /// (`into`: every edge from another cluster or a stub leads to it) or its only way
    /// out (every edge to another cluster or a stub leaves from it), else `None`.
    fn single_ends(&self, into: bool) -> Vec<Option<usize>> {
        // Per cluster: no such edge yet, one node, or several.
        let mut end: Vec<Option<Option<usize>>> = vec![None; self.clusters.len()];
        for e in &self.edges {
            let (inner, outer) = if into { (e.to, e.from) } else { (e.from, e.to) };
            let Some(k) = self.cluster_of(inner) else {
                continue;
            };
            if self.cluster_of(outer) == Some(k) {
                continue;
            }
            end[k] = match end[k] {
                None => Some(Some(inner)),
                Some(Some(n)) if n == inner => Some(Some(n)),
                Some(_) => Some(None),
            };
        }
        let mut out = vec![None; self.nodes.len()];
        for (k, e) in end.iter().enumerate() {
            if let Some(Some(n)) = e {
                out[*n] = Some(k);
            }
        }
        out
    }

    fn dot_node(&self, out: &mut String, indent: &str, n: usize) {
        let node = &self.nodes[n];
        let attrs = match (&node.kind, node.stub.is_some()) {
            (NodeKind::Ending(_), true) => {
                ", shape=doubleoctagon, style=\"dashed,filled\", fillcolor=\"#f8e0e0\", color=gray50, fontcolor=gray30, fontsize=9"
            }
            (_, true) => ", style=\"rounded,dashed\", color=gray50, fontcolor=gray30, fontsize=9",
            (NodeKind::Start, false) => ", style=\"rounded,bold\", penwidth=2",
            (NodeKind::Scene, false) => "",
            (NodeKind::Junction, false) => ", shape=diamond, style=solid",
            (NodeKind::Ending(_), false) => {
                ", shape=doubleoctagon, style=filled, fillcolor=\"#f8e0e0\", color=\"#aa3333\""
            }
        };
        let _ = writeln!(
            out,
            "{indent}\"{}\" [label=\"{}\"{attrs}];",
            dot_escape(&node.id),
            dot_escape(&Self::node_lines(node).join("\n"))
        );
    }

    /// Mermaid flowchart source.
    #[must_use]
    pub fn mermaid(&self) -> String {
        let mut out = String::new();
        out.push_str("flowchart TD\n");
        out.push_str(
            "  %% Start: stadium. Endings: red hexagons with their titles. Junctions: diamonds.\n  %% Thick: a chance, or into a detour. Dashed: added by `extend` from another file, or a\n  %% detour's return. Orange: under a condition. Green: detours.\n",
        );
        for k in 0..self.clusters.len() {
            let _ = writeln!(
                out,
                "  subgraph c{k}[\"{}\"]",
                mermaid_escape(&self.cluster_title(k))
            );
            for &n in &self.clusters[k].nodes {
                self.mermaid_node(&mut out, "    ", n);
            }
            out.push_str("  end\n");
        }
        for n in 0..self.nodes.len() {
            if self.nodes[n].stub.is_some() {
                self.mermaid_node(&mut out, "  ", n);
            }
        }
        let mut conditional = Vec::new();
        let mut detours = Vec::new();
        for (k, e) in self.edges.iter().enumerate() {
            let arrow = match (e.kind, e.extension) {
                (EdgeKind::Return, _) | (EdgeKind::Choice | EdgeKind::Route, true) => "-.->",
                (EdgeKind::Chance | EdgeKind::Detour, _) => "==>",
                (EdgeKind::Choice | EdgeKind::Route, false) => "-->",
            };
            if matches!(e.kind, EdgeKind::Detour | EdgeKind::Return) {
                detours.push(k.to_string());
            } else if e.conditional {
                conditional.push(k.to_string());
            }
            if e.label.is_empty() {
                let _ = writeln!(out, "  s{} {arrow} s{}", e.from, e.to);
            } else {
                let label: Vec<String> = e.label.iter().map(|l| mermaid_escape(l)).collect();
                let _ = writeln!(
                    out,
                    "  s{} {arrow}|\"{}\"| s{}",
                    e.from,
                    label.join("<br/>"),
                    e.to
                );
            }
        }
        let endings: Vec<String> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Ending(_)))
            .map(|(i, _)| format!("s{i}"))
            .collect();
        if !endings.is_empty() {
            out.push_str("  classDef ending fill:#f8e0e0,stroke:#a33,stroke-width:2px\n");
            let _ = writeln!(out, "  class {} ending", endings.join(","));
        }
        let stubs: Vec<String> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.stub.is_some())
            .map(|(i, _)| format!("s{i}"))
            .collect();
        if !stubs.is_empty() {
            out.push_str("  classDef stub stroke-dasharray:4 3,color:#555,font-size:10px\n");
            let _ = writeln!(out, "  class {} stub", stubs.join(","));
        }
        if !conditional.is_empty() {
            let _ = writeln!(
                out,
                "  linkStyle {} stroke:#cd6600,color:#cd6600",
                conditional.join(",")
            );
        }
        if !detours.is_empty() {
            let _ = writeln!(out, "  linkStyle {} stroke:#006400", detours.join(","));
        }
        out
    }

    fn mermaid_node(&self, out: &mut String, indent: &str, n: usize) {
        let node = &self.nodes[n];
        let text = Self::node_lines(node)
            .iter()
            .map(|l| mermaid_escape(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let _ = match &node.kind {
            NodeKind::Start => writeln!(out, "{indent}s{n}([\"{text}\"])"),
            NodeKind::Scene => writeln!(out, "{indent}s{n}[\"{text}\"]"),
            NodeKind::Junction => writeln!(out, "{indent}s{n}{{\"{text}\"}}"),
            NodeKind::Ending(_) => writeln!(out, "{indent}s{n}{{{{\"{text}\"}}}}"),
        };
    }
}

/// How an edge is drawn in Graphviz: line style by kind; green for a detour, else blue
/// dashed when another file's `extend` added it, else orange under a condition (whose
/// label is orange whatever the line).
fn dot_edge_attrs(e: &Edge) -> Vec<&'static str> {
    let mut attrs = Vec::new();
    match (e.kind, e.extension) {
        (EdgeKind::Detour, _) => attrs.push("style=bold, color=darkgreen"),
        (EdgeKind::Return, _) => attrs.push("style=dashed, color=darkgreen"),
        (EdgeKind::Chance, _) => attrs.push("style=dotted"),
        (EdgeKind::Choice | EdgeKind::Route, true) => attrs.push("style=dashed"),
        (EdgeKind::Route, false) => attrs.push("arrowhead=empty"),
        (EdgeKind::Choice, false) => {}
    }
    let green = matches!(e.kind, EdgeKind::Detour | EdgeKind::Return);
    if e.extension && !green {
        attrs.push("color=blue4");
    }
    if e.conditional {
        if !e.extension && !green {
            attrs.push("color=darkorange3");
        }
        attrs.push("fontcolor=darkorange3");
    }
    attrs
}

/// The graph of `story` in `format`.
#[must_use]
pub fn render(story: &Story, format: Format) -> String {
    Graph::of(story).render(format)
}

/// Escapes text for a double-quoted Graphviz string; newlines become line breaks.
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a double-quoted Mermaid label, using Mermaid's `#name;` entities so
/// that quotes, brackets and HTML-like text cannot end the label or the statement.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_cannot_break_out_of_labels() {
        assert_eq!(dot_escape("a \"b\" \\ c\nd"), "a \\\"b\\\" \\\\ c\\nd");
        let m = mermaid_escape("x[\"y\"] --> z | {w} <b> # `q`");
        for bad in ['"', '[', ']', '<', '>', '|', '{', '}', '`'] {
            assert!(!m.contains(bad), "{bad} left in {m}");
        }
        assert!(m.contains("#quot;") && m.contains("#35;"));
    }

    #[test]
    fn excerpts_are_cut_at_a_word_boundary() {
        assert_eq!(shorten("  short\n text ", 40), "short text");
        assert_eq!(shorten("one two three", 13), "one two three");
        assert_eq!(shorten("one two three", 12), "one two…");
        assert_eq!(shorten("one two three", 8), "one two…");
        assert_eq!(shorten("one two three", 7), "one…");
        assert_eq!(shorten("abcdefgh", 5), "abcd…");
        assert_eq!(shorten("", 5), "");
        // Characters, not bytes.
        assert_eq!(shorten("été été été", 8), "été été…");
    }
}
