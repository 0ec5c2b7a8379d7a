//! Relevance 0-100 of one file from where its keywords were found. Pure.
//!
//! The score adds three parts, each a share of the `k` keywords:
//! - **path** (up to 50): keywords in the file's path (its name or its directories). A few
//!   distinct keywords in a path are a strong signal whatever the length of the description, so
//!   full marks need `min(3, ceil(2k/3))` of them.
//! - **content** (up to 50): per keyword, being there at all is most of it (0.8) and more hits
//!   add the rest with diminishing returns (2 hits 0.9, 3 hits 0.95), averaged over the keywords.
//! - **code elements** (up to 10, on top): keywords in the names of the file's CodeRef elements.
//!
//! So a file that holds every keyword in its path and in its content scores at least 90 and is
//! pre-selected; content alone never reaches 60, and a path alone never more than 60.

/// Hits are counted up to here; more say nothing new.
pub const MAX_COUNTED_HITS: u32 = 8;

/// Where each keyword (by index) was found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    pub in_name: Vec<bool>,
    pub in_dirs: Vec<bool>,
    pub in_content: Vec<u32>,
    pub in_elements: Vec<bool>,
}

impl Hits {
    pub fn new(keywords: usize) -> Self {
        Self {
            in_name: vec![false; keywords],
            in_dirs: vec![false; keywords],
            in_content: vec![0; keywords],
            in_elements: vec![false; keywords],
        }
    }

    fn in_path(&self, i: usize) -> bool {
        self.in_name[i] || self.in_dirs.get(i).copied().unwrap_or(false)
    }

    /// Indices of keywords found anywhere, in keyword order.
    pub fn matched(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.in_name.len()).filter(|&i| {
            self.in_path(i)
                || self.in_content.get(i).copied().unwrap_or(0) > 0
                || self.in_elements.get(i).copied().unwrap_or(false)
        })
    }
}

/// What `hits` content hits of one keyword are worth, 0 to 1.
fn content_share(hits: u32) -> f64 {
    match hits.min(MAX_COUNTED_HITS) {
        0 => 0.0,
        n => 1.0 - 0.2 * 0.5f64.powi(n as i32 - 1),
    }
}

pub fn relevance(hits: &Hits) -> u8 {
    let k = hits.in_name.len();
    if k == 0 {
        return 0;
    }
    let path_needed = (2 * k).div_ceil(3).clamp(1, 3) as f64;
    let in_path = (0..k).filter(|&i| hits.in_path(i)).count() as f64;
    let path = (in_path / path_needed).min(1.0);
    let content = hits
        .in_content
        .iter()
        .map(|&n| content_share(n))
        .sum::<f64>()
        / k as f64;
    let elements = hits.in_elements.iter().filter(|&&hit| hit).count() as f64 / k as f64;
    let score = 50.0 * path + 50.0 * content + 10.0 * elements;
    // Any hit at all is worth at least 1, so "relevant" and "score > 0" mean the same thing.
    let score = score.round().clamp(0.0, 100.0) as u8;
    if score == 0 && hits.matched().next().is_some() {
        1
    } else {
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hits(name: &[bool], dirs: &[bool], content: &[u32], elements: &[bool]) -> Hits {
        Hits {
            in_name: name.to_vec(),
            in_dirs: dirs.to_vec(),
            in_content: content.to_vec(),
            in_elements: elements.to_vec(),
        }
    }

    #[test]
    fn table() {
        let (t, f) = (true, false);
        let cases: &[(&str, Hits, std::ops::RangeInclusive<u8>)] = &[
            ("no keywords", Hits::new(0), 0..=0),
            ("nothing", Hits::new(3), 0..=0),
            (
                "all in the name, once each in content",
                hits(&[t, t, t], &[f; 3], &[1, 1, 1], &[f; 3]),
                90..=90,
            ),
            (
                "all in the path (name and dirs), once each in content",
                hits(&[f, t, t, t], &[t, f, f, f], &[1; 4], &[f; 4]),
                90..=90,
            ),
            (
                "name 2 of 3, content 4 each",
                hits(&[t, t, f], &[f; 3], &[4, 4, 4], &[f; 3]),
                95..=100,
            ),
            (
                "one keyword missing from the content",
                hits(&[t; 4], &[f; 4], &[3, 3, 3, 0], &[f; 4]),
                80..=89,
            ),
            (
                "content only, lots",
                hits(&[f; 3], &[f; 3], &[50, 50, 50], &[f; 3]),
                50..=50,
            ),
            (
                "content only + elements",
                hits(&[f; 3], &[f; 3], &[50; 3], &[t; 3]),
                60..=60,
            ),
            (
                "a directory named after one keyword of four, mentioned a lot",
                hits(&[f; 4], &[t, f, f, f], &[8, 0, 0, 0], &[f; 4]),
                25..=35,
            ),
            (
                "name all, no content",
                hits(&[t; 3], &[f; 3], &[0; 3], &[f; 3]),
                50..=50,
            ),
            (
                "one of five in name",
                hits(&[t, f, f, f, f], &[f; 5], &[0; 5], &[f; 5]),
                16..=18,
            ),
            (
                "one content hit of sixteen",
                hits(&[f; 16], &[f; 16], &[&[1][..], &[0; 15]].concat(), &[f; 16]),
                2..=3,
            ),
            (
                "everything",
                hits(&[t; 2], &[t; 2], &[99; 2], &[t; 2]),
                100..=100,
            ),
        ];
        for (what, hits, range) in cases {
            let score = relevance(hits);
            assert!(range.contains(&score), "{what}: {score} not in {range:?}");
        }
    }

    #[test]
    fn matched_lists_keywords_found_anywhere() {
        let h = hits(
            &[true, false, false, false],
            &[false, true, false, false],
            &[0, 0, 2, 0],
            &[false; 4],
        );
        assert_eq!(h.matched().collect::<Vec<_>>(), [0, 1, 2]);
    }

    fn arb_hits() -> impl Strategy<Value = Hits> {
        (1usize..8).prop_flat_map(|k| {
            (
                proptest::collection::vec(any::<bool>(), k),
                proptest::collection::vec(any::<bool>(), k),
                proptest::collection::vec(0u32..20, k),
                proptest::collection::vec(any::<bool>(), k),
            )
                .prop_map(|(in_name, in_dirs, in_content, in_elements)| Hits {
                    in_name,
                    in_dirs,
                    in_content,
                    in_elements,
                })
        })
    }

    proptest! {
        /// More evidence never lowers the score, and any evidence makes a file relevant.
        #[test]
        fn monotonic_and_positive(h in arb_hits(), i in 0usize..8, what in 0u8..4) {
            let base = relevance(&h);
            prop_assert!(base <= 100);
            prop_assert_eq!(base > 0, h.matched().next().is_some());
            let mut more = h.clone();
            let i = i % more.in_name.len();
            match what {
                0 => more.in_name[i] = true,
                1 => more.in_dirs[i] = true,
                2 => more.in_content[i] += 1,
                _ => more.in_elements[i] = true,
            }
            prop_assert!(relevance(&more) >= base, "{:?} -> {:?}", h, more);
        }
    }
}
