//! A session as a download: `export.zip` (the folder, streamed) and `report.md`.

use super::Hub;
use crate::domain::export::zip_file_name;
use crate::domain::ids::SessionId;
use crate::domain::report::{render_report, OutputText, ReportedOutput, MAX_REPORTED_OUTPUT_BYTES};
use crate::domain::HubError;
use crate::fsutil::read::read_prefix;
use bytes::Bytes;
use std::io::{self, Write};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// Chunks of the zip handed to the response at a time; a few in flight bound the memory a slow
/// client costs.
const CHUNK: usize = 64 << 10;
const CHUNKS_IN_FLIGHT: usize = 4;

/// A zip on its way: its file name and its bytes as they are written.
pub struct ZipExport {
    pub file_name: String,
    pub body: ReceiverStream<io::Result<Bytes>>,
}

impl Hub {
    /// The session folder as a zip stream, written on a blocking thread as the client reads
    /// it. A client that goes away stops the writing.
    pub async fn export_zip(&self, id: SessionId) -> Result<ZipExport, HubError> {
        let folder = self
            .blocking("finding a session", {
                let id = id.clone();
                move |hub| hub.store().folder(&id)
            })
            .await?;
        let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let root = id.as_str().to_owned();
        tokio::task::spawn_blocking(move || {
            let mut out = ChannelWriter {
                tx,
                buffer: Vec::with_capacity(CHUNK),
            };
            let written = crate::store::export::write_zip(&folder, &root, &mut out)
                .and_then(|exported| out.flush().map(|()| exported));
            match written {
                Ok(exported) => tracing::debug!(session = %root, ?exported, "exported a session"),
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
                Err(err) => {
                    tracing::warn!(session = %root, %err, "cannot export a session");
                    // The client sees a cut stream, not a zip that looks whole.
                    let _ = out.tx.blocking_send(Err(err));
                }
            }
        });
        Ok(ZipExport {
            file_name: zip_file_name(id.as_str()),
            body: ReceiverStream::new(rx),
        })
    }

    /// `report.md`: the summary, agents, waves, questions, history and each output's first
    /// 64 KiB.
    pub async fn report(&self, id: SessionId) -> Result<String, HubError> {
        let detail = self.detail(id.clone()).await?;
        self.blocking("writing a session report", move |hub| {
            let folder = hub.store().folder(&id)?;
            let roots = &hub.config().allow_output_roots;
            let outputs: Vec<ReportedOutput> = detail
                .agents
                .iter()
                .flat_map(|agent| agent.outputs.iter().map(move |path| (agent, path)))
                .map(|(agent, path)| ReportedOutput {
                    agent_id: agent.agent_id.clone(),
                    path: path.clone(),
                    text: output_text(&folder, path, roots),
                })
                .collect();
            let history = crate::store::history::HistoryLog::read_all(&folder)
                .map_err(|err| HubError::internal("cannot read the session's history", err))?;
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            Ok(render_report(&detail, &history, &outputs, &now))
        })
        .await
    }
}

/// One output file for the report, through the same safe open as the viewer.
fn output_text(folder: &std::path::Path, path: &str, roots: &[std::path::PathBuf]) -> OutputText {
    match crate::store::output::open_output(folder, path, roots) {
        Ok(None) => OutputText::Missing,
        Ok(Some((file, size))) => {
            match read_prefix(&file, size, MAX_REPORTED_OUTPUT_BYTES as u64) {
                Ok(read) => OutputText::Text {
                    text: String::from_utf8_lossy(&read.bytes).into_owned(),
                    size: read.size,
                    truncated: read.truncated,
                },
                Err(err) => OutputText::Unavailable(format!("cannot read it: {err}")),
            }
        }
        Err(err) => OutputText::Unavailable(err.to_string()),
    }
}

/// The zip writer's end of the response: full chunks go out as they fill. A closed channel
/// (the client left) is a broken pipe, which ends the zip.
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}
