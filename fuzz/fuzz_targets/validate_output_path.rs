//! Output paths from `communication.json` (agent-written, untrusted): the lexical check
//! `check_output_path`, then the real open through `open_output` in a small fixture tree.
//!
//! Invariants beyond "no panic":
//! - `Inside(p)`: `p` is relative, made of plain names only (no root, `.`, `..`, drive
//!   prefix), holds no NUL, control character, backslash or `:`, no part over 255 bytes; and
//!   the raw string is not absolute and has no `..` part;
//! - `Outside { absolute }`: `absolute` exactly when the raw path starts with `/`, otherwise
//!   the raw path has a `..` part;
//! - a raw path with NUL, a control character, a drive prefix or a backslash is never
//!   accepted;
//! - whatever the path, `open_output` never opens the secret file that lies outside both the
//!   session folder and the allowed root (reachable only through `..`, absolute paths or
//!   symlinks), and never opens a folder;
//! - `download_name` gives a non-empty, header-safe file name.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sessions_hub::domain::HubError;
use sessions_hub::store::output::{
    check_output_path, download_name, open_output, OutputPath, MAX_COMPONENT_BYTES, MAX_PATH_BYTES,
};
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

struct Tree {
    session: PathBuf,
    allowed: Vec<PathBuf>,
    /// (dev, ino) of the file no output path may reach.
    secret: (u64, u64),
}

/// base/secret.txt                      outside everything
/// base/allowed/ok.md                   under the allowed root
/// base/session/out/report.md           inside the session folder
/// base/session/link-secret -> ../secret.txt
/// base/session/link-allowed -> ../allowed/ok.md
/// base/session/up -> ..
/// base/session/root -> /
///
/// The tree is made under `$TMPDIR` (scripts/fuzz points it at fuzz/target/ and removes it).
fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("sessions-hub-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let session = base.join("session");
        let allowed = base.join("allowed");
        std::fs::create_dir_all(session.join("out")).unwrap();
        std::fs::create_dir_all(&allowed).unwrap();
        std::fs::write(base.join("secret.txt"), b"secret").unwrap();
        std::fs::write(allowed.join("ok.md"), b"# ok").unwrap();
        std::fs::write(session.join("out/report.md"), b"# report").unwrap();
        std::os::unix::fs::symlink("../secret.txt", session.join("link-secret")).unwrap();
        std::os::unix::fs::symlink("../allowed/ok.md", session.join("link-allowed")).unwrap();
        std::os::unix::fs::symlink("..", session.join("up")).unwrap();
        std::os::unix::fs::symlink("/", session.join("root")).unwrap();
        let meta = std::fs::metadata(base.join("secret.txt")).unwrap();
        Tree {
            session,
            allowed: vec![allowed],
            secret: (meta.dev(), meta.ino()),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return; // the path comes out of a JSON string: always UTF-8
    };

    let name = download_name(raw);
    assert!(!name.is_empty());
    assert!(
        !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '"' | '\\' | ';' | '/')),
        "{name:?}"
    );

    let raw_parts = || raw.split('/');
    let has_dotdot = raw_parts().any(|part| part == "..");
    let never_accepted = raw.contains('\0')
        || raw.chars().any(char::is_control)
        || raw.contains('\\')
        || raw.contains(':')
        || raw.trim().is_empty()
        || raw.len() > MAX_PATH_BYTES;

    match check_output_path(raw) {
        Ok(OutputPath::Inside(path)) => {
            assert!(!never_accepted, "accepted {raw:?}");
            assert!(!raw.starts_with('/'), "{raw:?} is absolute");
            assert!(!has_dotdot, "{raw:?} climbs");
            assert!(!path.is_absolute() && !path.has_root(), "{path:?}");
            assert!(path.components().next().is_some(), "{raw:?}: empty path");
            for component in path.components() {
                let Component::Normal(part) = component else {
                    panic!("{raw:?} gave {component:?} in {path:?}");
                };
                let part = part.to_str().unwrap();
                assert!(part.len() <= MAX_COMPONENT_BYTES);
                assert!(!part.is_empty() && part != "." && part != "..");
                assert!(!part.contains(['\0', '\\', ':']), "{part:?}");
                assert!(!part.ends_with(['.', ' ']), "{part:?}");
            }
            // Normalisation only drops empty and `.` parts.
            let kept: Vec<&str> = raw_parts().filter(|p| !p.is_empty() && *p != ".").collect();
            let got: Vec<&str> = path.iter().map(|p| p.to_str().unwrap()).collect();
            assert_eq!(kept, got, "{raw:?}");
        }
        Ok(OutputPath::Outside { absolute }) => {
            assert!(!never_accepted, "classified {raw:?}");
            assert_eq!(absolute, raw.starts_with('/'), "{raw:?}");
            assert!(absolute || has_dotdot, "{raw:?} is outside without `..`");
        }
        Err(HubError::Invalid(_) | HubError::Forbidden(_)) => {}
        Err(other) => panic!("{raw:?}: unexpected error kind {other:?}"),
    }

    // The real open, which is what guards the filesystem.
    let tree = tree();
    for roots in [&[][..], &tree.allowed[..]] {
        if let Ok(Some((file, size))) = open_output(&tree.session, raw, roots) {
            let meta = file.metadata().unwrap();
            assert!(meta.is_file(), "{raw:?} opened a non-file");
            assert_eq!(size, meta.len());
            assert_ne!(
                (meta.dev(), meta.ino()),
                tree.secret,
                "{raw:?} (allowed roots {roots:?}) opened the secret file"
            );
            if roots.is_empty() {
                assert!(
                    !is_under_allowed(&meta, tree),
                    "{raw:?} reached the allowed root without it being allowed"
                );
            }
        }
    }
});

fn is_under_allowed(meta: &std::fs::Metadata, tree: &Tree) -> bool {
    let ok = std::fs::metadata(Path::new(&tree.allowed[0]).join("ok.md")).unwrap();
    (meta.dev(), meta.ino()) == (ok.dev(), ok.ino())
}
