//! Checks: offline structure checks on each [`Document`](crate::model::Document), the
//! metadata checks that run after resolution, and the level changes the user asked
//! for (`--deny`, `--warn`, `--allow`, `[levels]`).

pub mod claims;
pub mod duplicates;
pub mod metadata;
pub mod normalize;
pub mod structure;
pub mod suggest;

use crate::diagnostic::{Code, Finding, Level, Severity};
use std::collections::HashMap;

/// The level of each code the user changed; the rest keep their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    changed: HashMap<Code, Level>,
}

impl Levels {
    pub fn set(&mut self, code: Code, level: Level) {
        self.changed.insert(code, level);
    }

    /// The level a finding with `code` gets.
    pub fn level(&self, code: Code) -> Level {
        self.changed
            .get(&code)
            .copied()
            .unwrap_or(Level::At(code.default_severity()))
    }

    /// Apply the levels: allowed codes are dropped, others get their severity.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| match self.changed.get(&f.code) {
                None => Some(f),
                Some(Level::Allow) => None,
                Some(Level::At(s)) => {
                    f.severity = *s;
                    Some(f)
                }
            })
            .collect()
    }
}

/// Parse a level name as config files and flags write it.
pub fn parse_level(s: &str) -> Option<Level> {
    match s.trim().to_ascii_lowercase().as_str() {
        "allow" | "off" | "ignore" => Some(Level::Allow),
        "note" | "info" => Some(Level::At(Severity::Note)),
        "warn" | "warning" => Some(Level::At(Severity::Warning)),
        "deny" | "error" => Some(Level::At(Severity::Error)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn levels_change_and_drop_findings() {
        let mut levels = Levels::default();
        levels.set(Code::UncitedReference, Level::At(Severity::Error));
        levels.set(Code::CitationOrder, Level::Allow);
        let out = levels.apply(vec![
            Finding::new(Code::UncitedReference, 0, Span::default(), "a"),
            Finding::new(Code::CitationOrder, 0, Span::default(), "b"),
            Finding::new(Code::NumberingGap, 0, Span::default(), "c"),
        ]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].severity, Severity::Error);
        assert_eq!(out[1].severity, Severity::Warning);
        assert_eq!(parse_level("deny"), Some(Level::At(Severity::Error)));
        assert_eq!(parse_level("nope"), None);
    }
}
