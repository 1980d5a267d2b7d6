//! The AWS shared config and credentials files (`~/.aws/config` and
//! `~/.aws/credentials`): where they are, how they parse, and how their
//! profiles merge.
//!
//! [`load`] finds and reads both files and returns a [`ProfileSet`].
//! Nothing here reads the process environment or the real home directory,
//! because the caller passes the variable lookup, the home directory and the
//! file reader.
//!
//! The rules follow the profile parser and file location conformance
//! suites of smithy-lang/smithy-rs, copied to `fixtures/shared-config`.
//! Their cases run in the tests of `set.rs` and `location.rs`.

// The session code that calls this module is not written yet.
#![allow(dead_code, unused_imports)]

mod location;
mod parser;
mod section;
mod set;

use std::io;
use std::path::{Path, PathBuf};

pub(crate) use location::{
    config_file_path, credentials_file_path, expand_home, home_dir, profile_name, Platform, Vars,
};
pub(crate) use parser::{FileKind, ProfileParseError};
pub(crate) use section::Section;
pub(crate) use set::ProfileSet;

/// Failure to load the shared config or credentials file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProfileLoadError {
    /// A file exists but could not be read, for example because of its
    /// permissions or because it is not valid UTF-8.
    #[error(
        "failed to read the {file} {}: {source}. Make the file readable, or set {} to another path",
        path.display(),
        file.path_variable()
    )]
    Read {
        /// The file that failed.
        file: FileKind,
        /// The path that was read.
        path: PathBuf,
        /// The error from `read_file`.
        #[source]
        source: io::Error,
    },
    /// A file has a syntax error.
    #[error(transparent)]
    Parse(#[from] ProfileParseError),
}

/// Finds, reads and parses the shared config and credentials files.
///
/// The paths come from [`config_file_path`] and [`credentials_file_path`].
/// `read_file` reads one file, usually `std::fs::read_to_string`. A file
/// that is not found, or has no path because no home directory is known,
/// counts as empty. Any other read error is returned with the path.
pub(crate) fn load(
    platform: Platform,
    vars: Vars<'_>,
    home: Option<&Path>,
    read_file: impl Fn(&Path) -> io::Result<String>,
) -> Result<ProfileSet, ProfileLoadError> {
    let config_path = location::file_path(FileKind::Config, platform, vars, home);
    let credentials_path = location::file_path(FileKind::Credentials, platform, vars, home);
    let config = read_optional(FileKind::Config, config_path.as_deref(), &read_file)?;
    let credentials = read_optional(
        FileKind::Credentials,
        credentials_path.as_deref(),
        &read_file,
    )?;

    ProfileSet::parse(config.as_deref(), credentials.as_deref()).map_err(|error| {
        let path = match error.file() {
            FileKind::Config => config_path.as_deref(),
            FileKind::Credentials => credentials_path.as_deref(),
        };
        match path {
            Some(path) => ProfileLoadError::Parse(error.with_path(path)),
            None => ProfileLoadError::Parse(error),
        }
    })
}

/// Reads one file, returning `None` when there is no path or no file.
fn read_optional(
    file: FileKind,
    path: Option<&Path>,
    read_file: &impl Fn(&Path) -> io::Result<String>,
) -> Result<Option<String>, ProfileLoadError> {
    let Some(path) = path else {
        return Ok(None);
    };
    match read_file(path) {
        Ok(text) => {
            log::debug!("loaded the {file} {}", path.display());
            Ok(Some(text))
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            log::debug!(
                "the {file} {} was not found; treating it as empty",
                path.display()
            );
            Ok(None)
        }
        Err(source) => Err(ProfileLoadError::Read {
            file,
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// In-memory files. A path maps to its text, or to an error kind that
    /// reading it returns. Every path read is recorded.
    struct FakeFiles {
        files: HashMap<PathBuf, Result<String, io::ErrorKind>>,
        read: RefCell<Vec<PathBuf>>,
    }

    impl FakeFiles {
        fn new(files: &[(&str, Result<&str, io::ErrorKind>)]) -> Self {
            let files = files
                .iter()
                .map(|(path, content)| (PathBuf::from(path), content.map(str::to_owned)))
                .collect();
            FakeFiles {
                files,
                read: RefCell::new(Vec::new()),
            }
        }

        fn read(&self, path: &Path) -> io::Result<String> {
            self.read.borrow_mut().push(path.to_path_buf());
            match self.files.get(path) {
                Some(Ok(text)) => Ok(text.clone()),
                Some(Err(kind)) => Err(io::Error::from(*kind)),
                None => Err(io::Error::from(io::ErrorKind::NotFound)),
            }
        }
    }

    fn home_vars(name: &str) -> Option<String> {
        (name == "HOME").then(|| "/home/u".to_owned())
    }

    fn load_fake(files: &FakeFiles, vars: Vars<'_>) -> Result<ProfileSet, ProfileLoadError> {
        let home = home_dir(Platform::Unix, vars);
        load(Platform::Unix, vars, home.as_deref(), |path| {
            files.read(path)
        })
    }

    #[test]
    fn load_merges_both_files() {
        let files = FakeFiles::new(&[
            (
                "/home/u/.aws/config",
                Ok("[profile p]\nregion = us-east-1\nname = config"),
            ),
            ("/home/u/.aws/credentials", Ok("[p]\nname = credentials")),
        ]);
        let set = load_fake(&files, &home_vars).unwrap();
        let profile = set.profile("p").unwrap();
        assert_eq!(profile.get("region"), Some("us-east-1"));
        assert_eq!(profile.get("name"), Some("credentials"));
    }

    #[test]
    fn load_treats_missing_files_as_empty() {
        let files = FakeFiles::new(&[]);
        let set = load_fake(&files, &home_vars).unwrap();
        assert_eq!(set.profile_names().count(), 0);
        assert_eq!(
            *files.read.borrow(),
            vec![
                PathBuf::from("/home/u/.aws/config"),
                PathBuf::from("/home/u/.aws/credentials")
            ]
        );
    }

    #[test]
    fn load_without_home_reads_nothing() {
        let files = FakeFiles::new(&[]);
        let set = load_fake(&files, &|_| None).unwrap();
        assert_eq!(set.profile_names().count(), 0);
        assert!(files.read.borrow().is_empty());
    }

    #[test]
    fn load_uses_override_variables() {
        let vars = |name: &str| match name {
            "AWS_CONFIG_FILE" => Some("/etc/aws-config".to_owned()),
            "AWS_SHARED_CREDENTIALS_FILE" => Some("~/creds".to_owned()),
            "HOME" => Some("/home/u".to_owned()),
            _ => None,
        };
        let files = FakeFiles::new(&[("/etc/aws-config", Ok("[default]\nregion = x"))]);
        let set = load_fake(&files, &vars).unwrap();
        assert_eq!(
            set.profile("default").and_then(|p| p.get("region")),
            Some("x")
        );
        assert_eq!(
            *files.read.borrow(),
            vec![
                PathBuf::from("/etc/aws-config"),
                PathBuf::from("/home/u/creds")
            ]
        );
    }

    #[test]
    fn load_reports_read_error_with_path() {
        let files = FakeFiles::new(&[(
            "/home/u/.aws/credentials",
            Err(io::ErrorKind::PermissionDenied),
        )]);
        let error = load_fake(&files, &home_vars).unwrap_err();
        let ProfileLoadError::Read { file, path, source } = &error else {
            panic!("expected a read error, got {error:?}");
        };
        assert_eq!(*file, FileKind::Credentials);
        assert_eq!(path, Path::new("/home/u/.aws/credentials"));
        assert_eq!(source.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(
            error.to_string(),
            format!(
                "failed to read the AWS credentials file /home/u/.aws/credentials: {source}. \
                 Make the file readable, or set AWS_SHARED_CREDENTIALS_FILE to another path"
            )
        );
    }

    #[test]
    fn load_reports_parse_error_with_path() {
        let files = FakeFiles::new(&[("/home/u/.aws/config", Ok("[default]\nregion us-east-1"))]);
        let error = load_fake(&files, &home_vars).unwrap_err();
        let ProfileLoadError::Parse(parse_error) = &error else {
            panic!("expected a parse error, got {error:?}");
        };
        assert_eq!(parse_error.path(), Some(Path::new("/home/u/.aws/config")));
        assert_eq!(parse_error.line(), 2);
        assert!(
            error
                .to_string()
                .starts_with("failed to parse the AWS config file /home/u/.aws/config at line 2: "),
            "{error}"
        );
        assert!(!error.to_string().contains("us-east-1"), "{error}");
    }
}
