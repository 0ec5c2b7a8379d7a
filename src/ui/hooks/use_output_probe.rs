use crate::domain::output::OutputPreview;
use crate::domain::HubError;
use leptos::prelude::*;

/// The preview the output viewer shows, as its resource holds it.
pub type PreviewResource = Resource<Result<Result<OutputPreview, HubError>, HubError>>;

/// How often an open viewer asks whether its file changed.
const PROBE_MS: u32 = 3_000;

/// Output files are not watched, but agents rewrite them while a viewer is open: every few
/// seconds this asks for the file's stamp (size and time, cheap) and fetches `preview` again
/// when it differs from the one shown. Stops when the viewer's owner goes away.
///
/// ## Server-Side Rendering
/// Nothing runs on the server.
pub fn use_output_probe(
    session: String,
    agent: String,
    path: Option<String>,
    preview: PreviewResource,
) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::server_fns::output::probe_output;
        loop {
            gloo_timers::future::TimeoutFuture::new(PROBE_MS).await;
            let Some(shown) = preview.try_get_untracked() else {
                break;
            };
            let Some(Ok(Ok(shown))) = shown else { continue };
            if let Ok(stamp) = probe_output(session.clone(), agent.clone(), path.clone()).await {
                if stamp != shown.stamp {
                    preview.refetch();
                }
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (session, agent, path, preview, PROBE_MS);
}
