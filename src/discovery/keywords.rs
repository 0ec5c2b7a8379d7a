//! Keywords of a stub description: what discovery looks for in file names and contents.

/// At most this many keywords: a long description otherwise dilutes every score.
pub const MAX_KEYWORDS: usize = 16;

/// Words that say nothing about *which* files matter.
const STOP_WORDS: &[&str] = &[
    "able",
    "about",
    "above",
    "add",
    "added",
    "adding",
    "adds",
    "after",
    "again",
    "against",
    "all",
    "allow",
    "allowed",
    "allows",
    "also",
    "and",
    "any",
    "are",
    "because",
    "been",
    "before",
    "being",
    "below",
    "better",
    "between",
    "both",
    "bug",
    "bugs",
    "but",
    "can",
    "cannot",
    "change",
    "changed",
    "changes",
    "changing",
    "code",
    "correct",
    "correctly",
    "could",
    "create",
    "created",
    "creates",
    "creating",
    "did",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "enable",
    "enabled",
    "enables",
    "ensure",
    "ensures",
    "etc",
    "every",
    "feature",
    "features",
    "few",
    "fix",
    "fixed",
    "fixes",
    "fixing",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "had",
    "has",
    "have",
    "having",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "implement",
    "implemented",
    "implementing",
    "implements",
    "improve",
    "improved",
    "improves",
    "improving",
    "into",
    "issue",
    "issues",
    "its",
    "itself",
    "just",
    "let",
    "like",
    "make",
    "makes",
    "making",
    "may",
    "more",
    "most",
    "much",
    "must",
    "need",
    "needs",
    "new",
    "not",
    "now",
    "off",
    "once",
    "one",
    "only",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "please",
    "proper",
    "properly",
    "refactor",
    "refactored",
    "refactoring",
    "refactors",
    "remove",
    "removed",
    "removes",
    "removing",
    "same",
    "she",
    "should",
    "some",
    "such",
    "task",
    "tasks",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "too",
    "under",
    "until",
    "update",
    "updated",
    "updates",
    "updating",
    "upon",
    "use",
    "used",
    "uses",
    "using",
    "very",
    "via",
    "want",
    "was",
    "way",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
];

/// Lower-cased words of `description` (runs of letters and digits; `_`, `-` and punctuation
/// split words), without filler words (as written or once stemmed), words shorter than 3
/// characters or plain numbers; one per [`stem`] (the first spelling seen), in order of first
/// appearance, at most [`MAX_KEYWORDS`]. Discovery matches each by its stem.
pub fn extract_keywords(description: &str) -> Vec<String> {
    let mut keywords: Vec<String> = Vec::new();
    let mut stems: Vec<String> = Vec::new();
    for word in description
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
    {
        if is_filler(&word) {
            continue;
        }
        let stemmed = stem(&word);
        if is_filler(&stemmed) || stems.contains(&stemmed) {
            continue;
        }
        stems.push(stemmed);
        keywords.push(word);
        if keywords.len() == MAX_KEYWORDS {
            break;
        }
    }
    keywords
}

fn is_filler(word: &str) -> bool {
    word.chars().count() < 3
        || word.chars().all(|c| c.is_ascii_digit())
        || STOP_WORDS.binary_search(&word).is_ok()
}

/// The part of an English word that code spells the same way, so that "limiting" finds
/// `rate_limit.rs`, "sessions" finds `session.rs`, "caching" finds `cache` and "rotate" finds
/// "rotating". Deliberately
/// light (a few inflections, never shorter than 3 characters): matching is by substring, so
/// a stem only has to be contained in the words it should find.
pub fn stem(word: &str) -> String {
    let chars = word.chars().count();
    let base = |suffix: &str| &word[..word.len() - suffix.len()];
    if chars >= 5 && word.ends_with("ies") {
        return format!("{}y", base("ies"));
    }
    if word.ends_with("ing") && base("ing").chars().count() >= 4 {
        return undouble(base("ing"));
    }
    if word.ends_with("ed") && base("ed").chars().count() >= 4 && !base("ed").ends_with('e') {
        return undouble(base("ed"));
    }
    if word.ends_with("es")
        && ["s", "x", "z", "ch", "sh"]
            .iter()
            .any(|e| base("es").ends_with(e))
    {
        return base("es").to_owned();
    }
    if chars >= 4 && word.ends_with('s') && !["ss", "us", "is"].iter().any(|e| word.ends_with(e)) {
        return stem(base("s"));
    }
    // "rotate" -> "rotat" (in "rotating", "rotated"), "cache" -> "cach" (in "caching").
    if chars >= 5 && word.ends_with('e') && !word.ends_with("ee") {
        return base("e").to_owned();
    }
    word.to_owned()
}

/// "logg" -> "log", "mapp" -> "map"; "install" and "access" keep their double letter.
fn undouble(base: &str) -> String {
    let mut chars = base.chars().rev();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a == b && !"aeiouls".contains(a) && a.is_alphabetic() => {
            base[..base.len() - a.len_utf8()].to_owned()
        }
        _ => base.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "keep STOP_WORDS sorted"
        );
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("a an of to is", &[]),
            ("Refactor the Session store", &["session", "store"]),
            ("Stores and storing", &["stores"]),
            ("session SESSION Session sessions", &["session"]),
            (
                "auth_token-refresh/login.rs",
                &["auth", "token", "refresh", "login"],
            ),
            ("Fix bug 4021 in v2 API", &["api"]),
            ("Größe der Straße", &["größe", "der", "straße"]),
            ("should we use the new way", &[]),
            ("  \n\t punctuation!!! (marks)  ", &["punctuation", "marks"]),
            (
                "Add rate limiting to the upload endpoint",
                &["rate", "limiting", "upload", "endpoint"],
            ),
            (
                "Implement caching for parsed queries and fix the logging",
                &["caching", "parsed", "queries", "logging"],
            ),
            (
                "Update the retries when uploads are throttled",
                &["retries", "uploads", "throttled"],
            ),
        ];
        for (description, expected) in cases {
            assert_eq!(extract_keywords(description), *expected, "{description:?}");
        }
    }

    #[test]
    fn stems_stay_inside_the_words_they_find() {
        for (word, stem_of_it, finds) in [
            ("limiting", "limit", "rate_limiter.rs"),
            ("sessions", "session", "session.rs"),
            ("caching", "cach", "cache.rs"),
            ("matches", "match", "matcher.rs"),
            ("mapping", "map", "map.rs"),
            ("embedded", "embed", "embed.rs"),
            ("stored", "stor", "store.rs"),
            ("store", "stor", "storage.rs"),
            ("rotate", "rotat", "rotating.rs"),
            ("caches", "cach", "caching.rs"),
            ("tree", "tree", "tree.rs"),
            ("string", "string", "string.rs"),
            ("speed", "speed", "speed.rs"),
            ("status", "status", "status.rs"),
            ("access", "access", "access.rs"),
            ("installing", "install", "install.sh"),
        ] {
            assert_eq!(stem(word), stem_of_it, "{word}");
            assert!(finds.contains(stem_of_it), "{word} -> {stem_of_it}");
        }
    }

    #[test]
    fn at_most_max_keywords_in_order() {
        let many: String = (0..40).map(|i| format!("word{i} ")).collect();
        let keywords = extract_keywords(&many);
        assert_eq!(keywords.len(), MAX_KEYWORDS);
        assert_eq!(keywords[0], "word0");
        assert_eq!(keywords[15], "word15");
    }
}
