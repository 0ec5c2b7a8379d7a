//! Keywords of a stub description: what discovery looks for in file names and contents.

/// At most this many keywords: a long description otherwise dilutes every score.
pub const MAX_KEYWORDS: usize = 16;

/// Words that say nothing about *which* files matter.
const STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "also", "and", "any", "are", "because",
    "been", "before", "being", "below", "between", "both", "but", "can", "cannot", "could", "did",
    "does", "doing", "done", "down", "during", "each", "etc", "every", "few", "for", "from",
    "further", "get", "gets", "had", "has", "have", "having", "her", "here", "hers", "him", "his",
    "how", "into", "its", "itself", "just", "let", "like", "make", "may", "more", "most", "much",
    "must", "need", "needs", "new", "not", "now", "off", "once", "one", "only", "other", "our",
    "ours", "out", "over", "own", "per", "same", "she", "should", "some", "such", "than", "that",
    "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through",
    "too", "under", "until", "upon", "use", "used", "uses", "using", "very", "via", "want", "was",
    "way", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "within", "without", "would", "yet", "you", "your", "yours",
];

/// Lower-cased words of `description` (runs of letters and digits; `_`, `-` and punctuation
/// split words), without stop words, words shorter than 3 characters or plain numbers;
/// de-duplicated in order of first appearance, at most [`MAX_KEYWORDS`].
pub fn extract_keywords(description: &str) -> Vec<String> {
    let mut keywords: Vec<String> = Vec::new();
    for word in description
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
    {
        if word.chars().count() < 3
            || word.chars().all(|c| c.is_ascii_digit())
            || STOP_WORDS.binary_search(&word.as_str()).is_ok()
            || keywords.contains(&word)
        {
            continue;
        }
        keywords.push(word);
        if keywords.len() == MAX_KEYWORDS {
            break;
        }
    }
    keywords
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
            (
                "Refactor the Session store",
                &["refactor", "session", "store"],
            ),
            ("session SESSION Session sessions", &["session", "sessions"]),
            (
                "auth_token-refresh/login.rs",
                &["auth", "token", "refresh", "login"],
            ),
            ("Fix bug 4021 in v2 API", &["fix", "bug", "api"]),
            ("Größe der Straße", &["größe", "der", "straße"]),
            ("should we use the new way", &[]),
            ("  \n\t punctuation!!! (marks)  ", &["punctuation", "marks"]),
        ];
        for (description, expected) in cases {
            assert_eq!(extract_keywords(description), *expected, "{description:?}");
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
