//! Finding keywords in names and contents.
//!
//! Contents are searched with one Aho-Corasick automaton over all keywords. The buffer is
//! ASCII-lower-cased in place and searched case-sensitively because aho-corasick only uses its
//! fast SIMD (Teddy) prefilter for case-sensitive leftmost searches; that is what keeps
//! discovery close to ripgrep. Overlapping keywords: each search restarts one byte after the
//! start of the previous match (so `store` is still found in "sessionstore" after `sessions`),
//! and a match also credits the keywords that are prefixes of it (`session` for `sessions`),
//! which leftmost-longest hides.

use super::score::MAX_COUNTED_HITS;
use aho_corasick::{AhoCorasick, Input, MatchKind};

pub struct Matcher {
    keywords: Vec<String>,
    automaton: Option<AhoCorasick>,
    /// For each keyword, the keywords that are prefixes of it (itself included).
    prefixes: Vec<Vec<usize>>,
}

impl Matcher {
    pub fn new(keywords: &[String]) -> Self {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(keywords)
            .ok()
            .filter(|_| !keywords.is_empty());
        let prefixes = keywords
            .iter()
            .map(|outer| {
                keywords
                    .iter()
                    .enumerate()
                    .filter(|(_, inner)| outer.starts_with(inner.as_str()))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Self {
            keywords: keywords.to_vec(),
            automaton,
            prefixes,
        }
    }

    pub fn len(&self) -> usize {
        self.keywords.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keywords.is_empty()
    }

    /// Which keywords occur in `text` (any case).
    pub fn flags(&self, text: &str) -> Vec<bool> {
        let lower = text.to_lowercase();
        self.keywords
            .iter()
            .map(|keyword| lower.contains(keyword.as_str()))
            .collect()
    }

    /// Adds the hits of each keyword in `text` to `counts`, up to [`MAX_COUNTED_HITS`] each.
    /// `text` is lower-cased (ASCII) in place first.
    pub fn count(&self, text: &mut [u8], counts: &mut [u32]) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        text.make_ascii_lowercase();
        let mut saturated = counts.iter().filter(|&&c| c >= MAX_COUNTED_HITS).count();
        let mut start = 0;
        while let Some(found) = automaton.find(Input::new(&*text).range(start..)) {
            start = found.start() + 1;
            for &keyword in &self.prefixes[found.pattern().as_usize()] {
                let count = &mut counts[keyword];
                if *count < MAX_COUNTED_HITS {
                    *count += 1;
                    if *count == MAX_COUNTED_HITS {
                        saturated += 1;
                    }
                }
            }
            // Nothing more to learn from this file.
            if saturated == counts.len() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn counts_case_insensitively_with_contained_keywords() {
        let matcher = Matcher::new(&keywords(&["session", "sessions", "store"]));
        let mut text = b"Sessions live in the SessionStore; a session is stored.".to_vec();
        let mut counts = vec![0; 3];
        matcher.count(&mut text, &mut counts);
        assert_eq!(
            counts,
            [3, 2, 2],
            "sessions, sessions(tore), session; store, store(d)"
        );

        let matcher = Matcher::new(&keywords(&["ions", "sessions"]));
        let mut text = b"sessions".to_vec();
        let mut counts = vec![0; 2];
        matcher.count(&mut text, &mut counts);
        assert_eq!(counts, [1, 1], "a keyword inside another is counted once");
    }

    #[test]
    fn counts_saturate() {
        let matcher = Matcher::new(&keywords(&["ab"]));
        let mut text = b"ab".repeat(100);
        let mut counts = vec![0];
        matcher.count(&mut text, &mut counts);
        assert_eq!(counts, [MAX_COUNTED_HITS]);
    }

    #[test]
    fn flags_in_names() {
        let matcher = Matcher::new(&keywords(&["session", "store", "größe"]));
        assert_eq!(matcher.flags("SessionStore.rs"), [true, true, false]);
        assert_eq!(matcher.flags("GRÖSSE-Größe.md"), [false, false, true]);
        let none = Matcher::new(&[]);
        assert!(none.is_empty());
        let mut text = b"anything".to_vec();
        none.count(&mut text, &mut []);
    }
}
