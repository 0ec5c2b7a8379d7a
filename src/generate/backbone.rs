//! `context-backbone.md`, streamed: each project file is scanned once for its longest run of
//! backticks (so its fence can be longer) and then copied through a `BufWriter`. Memory stays
//! flat however large the context is.

use super::sources::Source;
use crate::domain::context::fence_language;
use crate::domain::untrusted::{markdown_code, markdown_line, markdown_paragraphs};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

const BUFFER_BYTES: usize = 64 << 10;

/// Tracks the longest run of backticks across chunks of a stream.
#[derive(Clone, Copy, Debug, Default)]
pub struct BacktickRun {
    current: usize,
    longest: usize,
}

impl BacktickRun {
    pub fn feed(&mut self, chunk: &[u8]) {
        for &byte in chunk {
            if byte == b'`' {
                self.current += 1;
                self.longest = self.longest.max(self.current);
            } else {
                self.current = 0;
            }
        }
    }

    pub fn longest(&self) -> usize {
        self.longest
    }
}

/// A backtick fence longer than any run inside the text (at least three).
pub fn fence_for(longest_run: usize) -> String {
    "`".repeat((longest_run + 1).max(3))
}

pub fn fence_around(text: &str) -> String {
    let mut run = BacktickRun::default();
    run.feed(text.as_bytes());
    fence_for(run.longest())
}

/// What the backbone says before the files.
pub struct Header<'a> {
    pub feature_name: &'a str,
    pub stub_id: &'a str,
    pub description: &'a str,
    pub created_at: &'a str,
}

/// Writes the backbone to `path` and syncs it. The file list comes first, so an agent knows
/// what follows without reading it all. The feature's name and description are escaped like
/// the prompts' (they may come from an agent); file paths are code spans.
pub fn write(path: &Path, header: &Header, sources: &[Source]) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(BUFFER_BYTES, File::create(path)?);
    writeln!(
        out,
        "# Context backbone: {}",
        markdown_line(header.feature_name)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Stub `{}`, generated {}. Every agent of the session reads this file first.",
        header.stub_id, header.created_at
    )?;
    writeln!(out)?;
    writeln!(out, "## The feature")?;
    writeln!(out)?;
    writeln!(out, "{}", markdown_paragraphs(header.description))?;
    writeln!(out)?;
    writeln!(out, "## Files")?;
    writeln!(out)?;
    if sources.is_empty() {
        writeln!(out, "No project files were selected as context.")?;
    }
    for source in sources {
        writeln!(
            out,
            "- {} ({} bytes)",
            markdown_code(&source.relative),
            source.size
        )?;
    }
    let mut buffer = vec![0u8; BUFFER_BYTES];
    for source in sources {
        writeln!(out)?;
        writeln!(out, "## {}", markdown_code(&source.relative))?;
        writeln!(out)?;
        embed(&mut out, source, &mut buffer)?;
    }
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()
}

fn embed(out: &mut impl Write, source: &Source, buffer: &mut [u8]) -> io::Result<()> {
    let mut file = File::open(&source.absolute)?;
    // Pass 1: the longest backtick run and the length, from the same open file that pass 2
    // copies, so the fence is right for exactly the bytes embedded even if the file changes.
    let mut run = BacktickRun::default();
    let mut length = 0u64;
    let mut last = b'\n';
    let mut reader = (&mut file).take(super::sources::MAX_SOURCE_BYTES);
    loop {
        let n = match reader.read(buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        run.feed(&buffer[..n]);
        length += n as u64;
        last = buffer[n - 1];
    }
    file.seek(SeekFrom::Start(0))?;
    let fence = fence_for(run.longest());
    writeln!(out, "{fence}{}", fence_language(&source.relative))?;
    let copied = io::copy(&mut (&mut file).take(length), out)?;
    if copied > 0 && last != b'\n' {
        writeln!(out)?;
    }
    writeln!(out, "{fence}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_tracked_across_chunks() {
        let mut run = BacktickRun::default();
        for chunk in [&b"a ``"[..], b"`", b"`` b `"] {
            run.feed(chunk);
        }
        assert_eq!(run.longest(), 5);
        assert_eq!(fence_for(0), "```");
        assert_eq!(fence_for(3), "````");
        assert_eq!(fence_around("no ticks"), "```");
        assert_eq!(fence_around("```rust\n```"), "````");
    }
}
