//! Context discovery: the files of the project that matter for a stub description.
//!
//! A parallel, gitignore-aware walk (`ignore`) reads each text file once (at most
//! `max_file_bytes`, never following symbolic links), counts keyword hits and scores it
//! ([`score`]). It stops early, flagging the result `partial`, when the time budget is spent or
//! the caller cancels. Blocking: the server runs it on a blocking thread.

mod coderef;
pub mod keywords;
mod matcher;
pub mod scans;
pub mod score;

use crate::domain::context::{file_type, ContextFile, DiscoveryResult, AUTO_SELECT_RELEVANCE};
use crate::domain::HubError;
use crate::fsutil::read::open_nonblocking;
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use matcher::Matcher;
use score::{relevance, Hits};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A NUL byte in this many leading bytes marks a binary file (git and ripgrep do the same).
const BINARY_PROBE_BYTES: usize = 8 << 10;

#[derive(Clone, Debug)]
pub struct DiscoveryOptions {
    /// Larger files are skipped: too big to hand to an agent as context. Default 1 MiB.
    pub max_file_bytes: u64,
    /// Stop and return what was found (`partial: true`) after this long. Default 2 s.
    pub time_budget: Duration,
    /// At most this many files in `files`. Default 500.
    pub max_results: usize,
    /// Set to stop early (the result is then `partial`).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Files scanned so far, updated during the walk (for a progress display).
    pub progress: Option<Arc<AtomicUsize>>,
    /// Directories not to look into, e.g. the sessions and stubs directories when they lie
    /// inside the project (their copies of project files would drown the originals).
    pub exclude: Vec<PathBuf>,
    /// Walker threads; 0 picks one per core.
    pub threads: usize,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: 1 << 20,
            time_budget: Duration::from_secs(2),
            max_results: 500,
            cancel: None,
            progress: None,
            exclude: Vec::new(),
            threads: 0,
        }
    }
}

/// Scores every text file under `root` against the keywords of `description`. Files with no
/// keyword anywhere are left out; an empty description finds nothing (without walking).
pub fn discover(
    root: &Path,
    description: &str,
    options: &DiscoveryOptions,
) -> Result<DiscoveryResult, HubError> {
    let started = Instant::now();
    let root = std::fs::canonicalize(root).map_err(|err| {
        HubError::Invalid(format!(
            "The project root {} cannot be used: {err}.",
            root.display()
        ))
    })?;
    if !root.is_dir() {
        return Err(HubError::Invalid(format!(
            "The project root {} is not a directory.",
            root.display()
        )));
    }
    let keywords = keywords::extract_keywords(description);
    let mut result = DiscoveryResult {
        keywords: keywords.clone(),
        ..DiscoveryResult::default()
    };
    if keywords.is_empty() {
        return Ok(result);
    }

    let stems: Vec<String> = keywords.iter().map(|word| keywords::stem(word)).collect();
    let matcher = Matcher::new(&stems);
    let shared = Shared {
        elements: coderef::element_hits(&root, &matcher),
        matcher,
        keywords,
        root: root.clone(),
        options: options.clone(),
        started,
        stopped_early: AtomicBool::new(false),
        scanned: AtomicUsize::new(0),
        found: Mutex::new(Vec::new()),
    };
    walker(&root, options).visit(&mut VisitorBuilder { shared: &shared });

    let mut found = shared.found.into_inner().unwrap_or_else(|p| p.into_inner());
    result.stats_by_type = stats_by_type(&found);
    sort_files(&mut found);
    result.matched_files = found.len();
    found.truncate(options.max_results);
    result.auto_selected = found
        .iter()
        .filter(|f| f.relevance >= AUTO_SELECT_RELEVANCE)
        .map(|f| f.path.clone())
        .collect();
    result.files = found;
    result.partial = shared.stopped_early.load(Ordering::Relaxed);
    result.scanned_files = shared.scanned.load(Ordering::Relaxed);
    result.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(result)
}

fn walker(root: &Path, options: &DiscoveryOptions) -> ignore::WalkParallel {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        // .gitignore applies even where the project is not (yet) a git repository.
        .require_git(false)
        .follow_links(false)
        .max_filesize(Some(options.max_file_bytes))
        .threads(options.threads);
    let excluded: Vec<PathBuf> = options
        .exclude
        .iter()
        .filter_map(|dir| std::fs::canonicalize(dir).ok())
        .filter(|dir| dir.starts_with(root) && dir != root)
        .collect();
    if !excluded.is_empty() {
        builder.filter_entry(move |entry| !excluded.iter().any(|dir| entry.path() == dir));
    }
    builder.build_parallel()
}

struct Shared {
    matcher: Matcher,
    /// As the description spells them; the matcher has their stems, in the same order.
    keywords: Vec<String>,
    elements: HashMap<String, Vec<bool>>,
    root: PathBuf,
    options: DiscoveryOptions,
    started: Instant,
    stopped_early: AtomicBool,
    scanned: AtomicUsize,
    found: Mutex<Vec<ContextFile>>,
}

impl Shared {
    fn should_stop(&self) -> bool {
        let cancelled = self
            .options
            .cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed));
        if cancelled || self.started.elapsed() > self.options.time_budget {
            self.stopped_early.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }
}

struct VisitorBuilder<'s> {
    shared: &'s Shared,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            shared: self.shared,
            buffer: Vec::new(),
            found: Vec::new(),
        })
    }
}

/// One per walker thread: results are collected locally and merged once, when it is dropped.
struct Visitor<'s> {
    shared: &'s Shared,
    buffer: Vec<u8>,
    found: Vec<ContextFile>,
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let mut found = self.shared.found.lock().unwrap_or_else(|p| p.into_inner());
        found.append(&mut self.found);
    }
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        if self.shared.should_stop() {
            return WalkState::Quit;
        }
        // Unreadable entries are skipped: discovery offers what it can read.
        let Ok(entry) = entry else {
            return WalkState::Continue;
        };
        // Regular files only: not directories, symbolic links, FIFOs or devices.
        if !entry.file_type().is_some_and(|kind| kind.is_file()) {
            return WalkState::Continue;
        }
        self.shared.scanned.fetch_add(1, Ordering::Relaxed);
        if let Some(progress) = &self.shared.options.progress {
            progress.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(file) = self.examine(entry.path()) {
            self.found.push(file);
        }
        WalkState::Continue
    }
}

impl Visitor<'_> {
    fn examine(&mut self, path: &Path) -> Option<ContextFile> {
        let shared = self.shared;
        let relative = path.strip_prefix(&shared.root).ok()?.to_str()?;
        let relative = if cfg!(windows) {
            relative.replace('\\', "/")
        } else {
            relative.to_owned()
        };
        let size = read_text(path, shared.options.max_file_bytes, &mut self.buffer).ok()??;

        let matcher = &shared.matcher;
        let (dirs, name) = relative.rsplit_once('/').unwrap_or(("", &relative));
        let mut hits = Hits::new(matcher.len());
        hits.in_name = matcher.flags(name);
        hits.in_dirs = matcher.flags(dirs);
        matcher.count(&mut self.buffer, &mut hits.in_content);
        if let Some(flags) = shared.elements.get(&relative) {
            hits.in_elements.clone_from(flags);
        }
        let score = relevance(&hits);
        if score == 0 {
            return None;
        }
        let matched_keywords = hits.matched().map(|i| shared.keywords[i].clone()).collect();
        Some(ContextFile {
            file_type: file_type(&relative).to_owned(),
            path: relative,
            relevance: score,
            matched_keywords,
            size,
        })
    }
}

/// Reads a regular text file of at most `cap` bytes into `buffer` and returns its size;
/// `None` for binary files, larger files and anything that is not a regular file.
fn read_text(path: &Path, cap: u64, buffer: &mut Vec<u8>) -> io::Result<Option<u64>> {
    buffer.clear();
    let mut file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() > cap {
        return Ok(None);
    }
    // Probe first, so a binary file costs one small read.
    let probe = cap.min(BINARY_PROBE_BYTES as u64);
    (&mut file).take(probe).read_to_end(buffer)?;
    if buffer.contains(&0) {
        return Ok(None);
    }
    if buffer.len() as u64 == probe {
        // The file may have grown since the stat: never read more than the cap.
        file.take(cap - probe).read_to_end(buffer)?;
    }
    Ok(Some(meta.len()))
}

/// Relevance descending, then path ascending.
pub fn sort_files(files: &mut [ContextFile]) {
    files.sort_by(|a, b| {
        b.relevance
            .cmp(&a.relevance)
            .then_with(|| a.path.cmp(&b.path))
    });
}

/// Counts of `files` by type.
pub fn stats_by_type(files: &[ContextFile]) -> BTreeMap<String, usize> {
    let mut stats = BTreeMap::new();
    for file in files {
        *stats.entry(file.file_type.clone()).or_insert(0) += 1;
    }
    stats
}
