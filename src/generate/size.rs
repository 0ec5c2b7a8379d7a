//! What the wizard shows before generating: the size of the context package, and whether one
//! path names a usable project file. Both read only; both apply the same checks as
//! [`generate`](super::generate), so what they accept generates.

use super::sources::{self, Source};
use crate::domain::context::{count_lines, PackageSize, ProjectFile};
use crate::domain::create::CreateRequest;
use crate::domain::HubError;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Checks that `raw` names a regular text file inside the project root (symbolic links
/// resolved), no larger than a context file may be. The error says why not, for people.
pub fn check_project_file(project_root: &Path, raw: &str) -> Result<ProjectFile, HubError> {
    let request = CreateRequest {
        context_files: vec![raw.to_owned()],
        ..CreateRequest::default()
    };
    let (_, found) = sources::resolve(project_root, &request).map_err(|err| match err {
        // It is checked as a context file, but the user asked about an attachment.
        HubError::Invalid(message) => {
            HubError::Invalid(message.replacen("The context file ", "The file ", 1))
        }
        other => other,
    })?;
    let source = found
        .into_iter()
        .next()
        .ok_or_else(|| HubError::Invalid(format!("{raw:?} is not a file of the project.")))?;
    Ok(ProjectFile {
        path: source.relative,
        size: source.size,
    })
}

/// Lines and bytes of every project file the request embeds (each once), plus its pasted
/// attachments. Files are streamed, never held in memory whole.
pub fn package_size(project_root: &Path, request: &CreateRequest) -> Result<PackageSize, HubError> {
    let (_, found) = sources::resolve(project_root, request)?;
    let mut size = PackageSize {
        files: found.len(),
        ..PackageSize::default()
    };
    for source in &found {
        let (lines, bytes) = count_file(source).map_err(|err| {
            HubError::Invalid(format!(
                "The file {:?} cannot be read: {err}.",
                source.relative
            ))
        })?;
        size.lines += lines;
        size.bytes += bytes;
    }
    for text in request.attachments.iter().filter_map(|a| a.given_content()) {
        size.pasted += 1;
        size.lines += count_lines(text.as_bytes());
        size.bytes += text.len() as u64;
    }
    Ok(size)
}

fn count_file(source: &Source) -> io::Result<(u64, u64)> {
    let mut file = File::open(&source.absolute)?;
    let mut buffer = vec![0u8; 64 << 10];
    let (mut newlines, mut bytes, mut last) = (0u64, 0u64, b'\n');
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        let chunk = &buffer[..read];
        newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        bytes += read as u64;
        last = chunk[read - 1];
    }
    // A last line without a newline still counts.
    Ok((newlines + u64::from(last != b'\n'), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::create::AttachmentInput;

    #[test]
    fn counts_files_once_and_pasted_text() {
        let project = tempfile::tempdir().unwrap();
        std::fs::create_dir(project.path().join("src")).unwrap();
        std::fs::write(project.path().join("src/a.rs"), "one\ntwo\n").unwrap();
        std::fs::write(project.path().join("b.md"), "x").unwrap();
        let request = CreateRequest {
            context_files: vec!["src/a.rs".into(), "b.md".into()],
            attachments: vec![
                AttachmentInput {
                    id: "a1".into(),
                    name: "again".into(),
                    path: Some("./src/a.rs".into()),
                    content: None,
                },
                AttachmentInput {
                    id: "a2".into(),
                    name: "log".into(),
                    path: None,
                    content: Some("p\nq".into()),
                },
            ],
            ..CreateRequest::default()
        };
        let size = package_size(project.path(), &request).unwrap();
        assert_eq!(
            size,
            PackageSize {
                files: 2,
                pasted: 1,
                lines: 2 + 1 + 2,
                bytes: 8 + 1 + 3,
            }
        );
    }

    #[test]
    fn a_path_must_be_a_file_inside_the_project() {
        let project = tempfile::tempdir().unwrap();
        std::fs::write(project.path().join("notes.md"), "hello\n").unwrap();
        assert_eq!(
            check_project_file(project.path(), "./notes.md").unwrap(),
            ProjectFile {
                path: "notes.md".into(),
                size: 6
            }
        );
        for (raw, why) in [
            ("missing.md", "does not exist"),
            ("../notes.md", "not a relative path inside"),
            ("/etc/passwd", "not a relative path inside"),
        ] {
            let err = check_project_file(project.path(), raw)
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{raw}: {err}");
        }
        std::fs::create_dir(project.path().join("dir")).unwrap();
        let err = check_project_file(project.path(), "dir")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
