//! The scene graph as text that draws: Graphviz `dot` or Mermaid.
//!
//! Authors lose track of a branching story long before the engine does; a map they can
//! render (Graphviz locally, Mermaid in any Markdown viewer) shows at a glance what leads
//! where and under which condition. Both formats are built from one intermediate
//! [`Graph`], so they always show the same thing: scenes grouped by chapter, the start
//! and the endings marked by shape, choices labelled by id, conditions as the author wrote
//! them, chances with their odds, once-only choices, choices that another file hooks
//! in with `extend` drawn dashed, and detours: the way into one drawn bold in green, and
//! each of its returns drawn dashed in green back to where play goes on (`returns.rs`).

mod returns;

use std::fmt::Write as _;

use crate::story::model::{Choice, Exit, Scene, Story};

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
}

/// How an edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStyle {
    /// A choice or route of the scene's own file.
    Plain,
    /// A choice added to the scene by another file's `extend`.
    Extension,
    /// The detour of a chance.
    Chance,
    /// Into a detour (`detour:` on a choice or route).
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
    /// Lines of the label (may be empty).
    pub label: Vec<String>,
    /// How it is drawn.
    pub style: EdgeStyle,
}

/// Scenes of one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// The chapter title.
    pub title: String,
    /// Indices of its nodes, in story order.
    pub nodes: Vec<usize>,
}

/// The format-independent graph both renderers draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// Every scene, in story order.
    pub nodes: Vec<Node>,
    /// Chapters in order of first appearance.
    pub clusters: Vec<Cluster>,
    /// Every edge, in story order.
    pub edges: Vec<Edge>,
}

/// The condition as the author wrote it, or its parsed form when the text is not kept.
fn condition(source: Option<&String>, expr: Option<&crate::story::expr::Expr>) -> Option<String> {
    source
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .or_else(|| expr.map(ToString::to_string))
}

fn choice_edges(graph: &mut Graph, scene: &Scene, from: usize, c: &Choice, index: &Index) {
    let extension = c.origin != scene.origin;
    let mut first = if extension {
        format!("+ {}", c.id)
    } else {
        c.id.clone()
    };
    if let Some(ch) = &c.chance {
        let _ = write!(first, " ({}%)", 100 - u32::from(ch.percent));
    }
    if c.once {
        first.push_str(" (once)");
    }
    let mut label = vec![first];
    let cond = condition(c.when_source.as_ref(), c.when.as_ref());
    if let Some(cond) = &cond {
        label.push(format!("if {cond}"));
    }
    let style = if extension {
        EdgeStyle::Extension
    } else {
        EdgeStyle::Plain
    };
    // A detour's `goto` is where its return leads: drawn as the return edges.
    if let Some(to) = c.detour.as_deref().and_then(|d| index.get(d)) {
        let mut label = label.clone();
        label[0].push_str(" (detour)");
        graph.edges.push(Edge {
            from,
            to,
            label,
            style: EdgeStyle::Detour,
        });
    } else if let Some(to) = index.get(&c.goto) {
        graph.edges.push(Edge {
            from,
            to,
            label,
            style,
        });
    }
    if let Some(ch) = &c.chance
        && c.detour.is_none()
        && let Some(to) = index.get(&ch.goto)
    {
        let mut label = vec![format!("{} ({}% chance)", c.id, ch.percent)];
        if let Some(cond) = cond {
            label.push(format!("if {cond}"));
        }
        graph.edges.push(Edge {
            from,
            to,
            label,
            style: EdgeStyle::Chance,
        });
    }
}

struct Index(std::collections::HashMap<String, usize>);

impl Index {
    fn get(&self, id: &str) -> Option<usize> {
        self.0.get(id).copied()
    }
}

impl Graph {
    /// Builds the graph of a story.
    #[must_use]
    pub fn of(story: &Story) -> Self {
        let index = Index(
            story
                .scenes
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.clone(), i))
                .collect(),
        );
        let mut graph = Graph {
            nodes: Vec::with_capacity(story.scenes.len()),
            clusters: Vec::new(),
            edges: Vec::new(),
        };
        for (i, s) in story.scenes.iter().enumerate() {
            let kind = match &s.exit {
                Exit::Ending(e) => NodeKind::Ending(
                    story
                        .ending(e)
                        .map_or_else(|| e.clone(), |end| end.title.clone()),
                ),
                _ if s.id == story.start => NodeKind::Start,
                _ if s.is_junction() => NodeKind::Junction,
                _ => NodeKind::Scene,
            };
            graph.nodes.push(Node {
                id: s.id.clone(),
                kind,
            });
            match graph.clusters.iter_mut().find(|c| c.title == s.chapter) {
                Some(c) => c.nodes.push(i),
                None => graph.clusters.push(Cluster {
                    title: s.chapter.clone(),
                    nodes: vec![i],
                }),
            }
            match &s.exit {
                Exit::Choices(list) => {
                    for c in list {
                        choice_edges(&mut graph, s, i, c, &index);
                    }
                }
                Exit::Routes(routes) => {
                    let several = routes.len() > 1;
                    for r in routes {
                        let label = match condition(r.when_source.as_ref(), r.when.as_ref()) {
                            Some(c) => vec![format!("if {c}")],
                            None if several => vec!["otherwise".to_owned()],
                            None => Vec::new(),
                        };
                        if let Some(to) = r.detour.as_deref().and_then(|d| index.get(d)) {
                            let mut label = label;
                            label.push("(detour)".to_owned());
                            graph.edges.push(Edge {
                                from: i,
                                to,
                                label,
                                style: EdgeStyle::Detour,
                            });
                        } else if let Some(to) = index.get(&r.goto) {
                            graph.edges.push(Edge {
                                from: i,
                                to,
                                label,
                                style: EdgeStyle::Plain,
                            });
                        }
                    }
                }
                Exit::Ending(_) => {}
            }
        }
        for (from, to) in returns::edges(story) {
            graph.edges.push(Edge {
                from,
                to,
                label: vec!["return".to_owned()],
                style: EdgeStyle::Return,
            });
        }
        graph
    }

    /// Draws the graph in `format`.
    #[must_use]
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Dot => self.dot(),
            Format::Mermaid => self.mermaid(),
        }
    }

    /// Graphviz source.
    #[must_use]
    pub fn dot(&self) -> String {
        let mut out = String::new();
        out.push_str("digraph story {\n");
        out.push_str("  // Start: bold box. Endings: double octagons. Junctions: diamonds.\n");
        out.push_str("  // Dashed: added by `extend` from another file. Dotted: a chance.\n");
        out.push_str("  // Green: a detour (bold, in) and its returns (dashed, out).\n");
        out.push_str("  graph [rankdir=TB, fontname=\"Helvetica\", compound=true];\n");
        out.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (k, cluster) in self.clusters.iter().enumerate() {
            let _ = writeln!(out, "  subgraph cluster_{k} {{");
            let _ = writeln!(out, "    label=\"{}\";", dot_escape(&cluster.title));
            out.push_str("    style=rounded; color=gray60;\n");
            for &n in &cluster.nodes {
                let node = &self.nodes[n];
                let (label, attrs) = match &node.kind {
                    NodeKind::Start => (
                        format!("{}\nSTART", node.id),
                        ", style=\"rounded,bold\", penwidth=2",
                    ),
                    NodeKind::Scene => (node.id.clone(), ""),
                    NodeKind::Junction => (node.id.clone(), ", shape=diamond, style=solid"),
                    NodeKind::Ending(title) => (
                        format!("{}\nENDING: {title}", node.id),
                        ", shape=doubleoctagon, style=filled, fillcolor=\"#f8e0e0\"",
                    ),
                };
                let _ = writeln!(
                    out,
                    "    \"{}\" [label=\"{}\"{attrs}];",
                    dot_escape(&node.id),
                    dot_escape(&label)
                );
            }
            out.push_str("  }\n");
        }
        for e in &self.edges {
            let mut attrs = Vec::new();
            if !e.label.is_empty() {
                attrs.push(format!("label=\"{}\"", dot_escape(&e.label.join("\n"))));
            }
            match e.style {
                EdgeStyle::Plain => {}
                EdgeStyle::Extension => attrs.push("style=dashed, color=blue4".to_owned()),
                EdgeStyle::Chance => attrs.push("style=dotted".to_owned()),
                EdgeStyle::Detour => attrs.push("style=bold, color=darkgreen".to_owned()),
                EdgeStyle::Return => attrs.push("style=dashed, color=darkgreen".to_owned()),
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

    /// Mermaid flowchart source.
    #[must_use]
    pub fn mermaid(&self) -> String {
        let mut out = String::new();
        out.push_str("flowchart TD\n");
        out.push_str(
            "  %% Start: stadium. Endings: hexagons. Junctions: diamonds.\n  %% Dashed: added by `extend` from another file, or a detour's return. Thick: a chance, or into a detour.\n",
        );
        for (k, cluster) in self.clusters.iter().enumerate() {
            let _ = writeln!(
                out,
                "  subgraph c{k}[\"{}\"]",
                mermaid_escape(&cluster.title)
            );
            for &n in &cluster.nodes {
                let node = &self.nodes[n];
                let id = mermaid_escape(&node.id);
                let _ = match &node.kind {
                    NodeKind::Start => writeln!(out, "    s{n}([\"{id}<br/>START\"])"),
                    NodeKind::Scene => writeln!(out, "    s{n}[\"{id}\"]"),
                    NodeKind::Junction => writeln!(out, "    s{n}{{\"{id}\"}}"),
                    NodeKind::Ending(title) => writeln!(
                        out,
                        "    s{n}{{{{\"{id}<br/>ENDING: {}\"}}}}",
                        mermaid_escape(title)
                    ),
                };
            }
            out.push_str("  end\n");
        }
        for e in &self.edges {
            let arrow = match e.style {
                EdgeStyle::Plain => "-->",
                EdgeStyle::Extension | EdgeStyle::Return => "-.->",
                EdgeStyle::Chance | EdgeStyle::Detour => "==>",
            };
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
        out
    }
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
}
