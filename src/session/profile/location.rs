//! Locations of the shared config and credentials files, and the name of
//! the selected profile.
//!
//! Every function takes the environment as a lookup function and the
//! platform as a value, so that nothing here reads the process environment
//! and the Windows rules can be tested on any host. An empty variable counts
//! as unset.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::parser::FileKind;

/// Variable lookup, such as `|name| std::env::var(name).ok()`.
pub(crate) type Vars<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Path conventions to follow. They decide where the home directory comes
/// from and which separator joins path parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Platform {
    /// Linux, macOS and other Unix-like systems: `/` separates path parts.
    Unix,
    /// Windows: `\` separates path parts, and `~\` starts a home-relative path
    /// as well as `~/`.
    Windows,
}

impl Platform {
    /// Returns the platform this program was compiled for.
    pub(crate) fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    fn separator(self) -> &'static str {
        match self {
            Platform::Unix => "/",
            Platform::Windows => "\\",
        }
    }

    fn is_separator(self, byte: u8) -> bool {
        match self {
            Platform::Unix => byte == b'/',
            Platform::Windows => byte == b'/' || byte == b'\\',
        }
    }
}

/// Returns the value of a variable, or `None` when it is unset or empty.
fn non_empty(vars: Vars<'_>, name: &str) -> Option<String> {
    vars(name).filter(|value| !value.is_empty())
}

/// Returns the home directory from the environment.
///
/// `HOME` comes first on every platform. On Windows, `USERPROFILE` comes
/// next, then `HOMEDRIVE` followed by `HOMEPATH` when both are set. Returns
/// `None` when none of these is set. On Unix the caller may then fall back
/// to the user database, which this function does not read.
pub(crate) fn home_dir(platform: Platform, vars: Vars<'_>) -> Option<PathBuf> {
    if let Some(home) = non_empty(vars, "HOME") {
        return Some(PathBuf::from(home));
    }
    if platform == Platform::Unix {
        return None;
    }
    if let Some(profile) = non_empty(vars, "USERPROFILE") {
        return Some(PathBuf::from(profile));
    }
    let drive = non_empty(vars, "HOMEDRIVE")?;
    let path = non_empty(vars, "HOMEPATH")?;
    Some(PathBuf::from(drive + &path))
}

/// Returns the path of the shared config file: `AWS_CONFIG_FILE` if set,
/// else `.aws/config` under `home`.
///
/// A leading `~` in the variable is replaced by `home` (see
/// [`expand_home`]). Returns `None` when the path needs a home directory and
/// `home` is `None`.
pub(crate) fn config_file_path(
    platform: Platform,
    vars: Vars<'_>,
    home: Option<&Path>,
) -> Option<PathBuf> {
    file_path(FileKind::Config, platform, vars, home)
}

/// Returns the path of the shared credentials file:
/// `AWS_SHARED_CREDENTIALS_FILE` if set, else `.aws/credentials` under
/// `home`.
///
/// A leading `~` in the variable is replaced by `home` (see
/// [`expand_home`]). Returns `None` when the path needs a home directory and
/// `home` is `None`.
pub(crate) fn credentials_file_path(
    platform: Platform,
    vars: Vars<'_>,
    home: Option<&Path>,
) -> Option<PathBuf> {
    file_path(FileKind::Credentials, platform, vars, home)
}

/// Returns the file path for `file`. Both files follow the same rules.
pub(super) fn file_path(
    file: FileKind,
    platform: Platform,
    vars: Vars<'_>,
    home: Option<&Path>,
) -> Option<PathBuf> {
    let variable = file.path_variable();
    if let Some(path) = non_empty(vars, variable) {
        let expanded = expand_home(platform, &path, home);
        if expanded.is_none() {
            log::warn!(
                "not loading the {file}: {variable} starts with '~' but no home directory is known; \
                 set HOME or use an absolute path"
            );
        }
        return expanded;
    }

    let file_name = match file {
        FileKind::Config => "config",
        FileKind::Credentials => "credentials",
    };
    let Some(home) = home else {
        log::debug!("not loading the {file}: no home directory is known and {variable} is not set");
        return None;
    };
    Some(join(platform, home, &[".aws", file_name]))
}

/// Replaces a leading `~` with the home directory.
///
/// Expands `~` alone and `~` followed by a separator (`/`, or on Windows
/// also `\`). Any other path, including `~user/...`, is returned unchanged.
/// Returns `None` when the path needs expanding and `home` is `None`.
pub(crate) fn expand_home(platform: Platform, path: &str, home: Option<&Path>) -> Option<PathBuf> {
    let Some(rest) = path.strip_prefix('~') else {
        return Some(PathBuf::from(path));
    };
    let expands = match rest.bytes().next() {
        None => true,
        Some(byte) => platform.is_separator(byte),
    };
    if !expands {
        return Some(PathBuf::from(path));
    }

    let home = home?;
    let mut expanded = home.as_os_str().to_owned();
    let home_ends_with_separator = home
        .as_os_str()
        .as_encoded_bytes()
        .last()
        .is_some_and(|byte| platform.is_separator(*byte));
    // Drop the separator after `~` when `home` already ends with one, so
    // a home of `/` gives `/x`, not `//x`.
    let rest = if home_ends_with_separator {
        rest.get(1..).unwrap_or_default()
    } else {
        rest
    };
    expanded.push(rest);
    Some(PathBuf::from(expanded))
}

/// Joins `parts` onto `base` with the platform's separator. Unlike
/// `Path::join`, this builds Windows paths correctly on a Unix host too.
fn join(platform: Platform, base: &Path, parts: &[&str]) -> PathBuf {
    let mut joined: OsString = base.as_os_str().to_owned();
    let mut ends_with_separator = base
        .as_os_str()
        .as_encoded_bytes()
        .last()
        .is_some_and(|byte| platform.is_separator(*byte));
    for part in parts {
        if !ends_with_separator {
            joined.push(platform.separator());
        }
        joined.push(part);
        ends_with_separator = false;
    }
    PathBuf::from(joined)
}

/// Returns the name of the profile to use: `AWS_PROFILE` if set, else
/// `default`.
pub(crate) fn profile_name(vars: Vars<'_>) -> String {
    non_empty(vars, "AWS_PROFILE").unwrap_or_else(|| "default".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::HashMap;

    /// Test cases from smithy-lang/smithy-rs, with the licence in
    /// fixtures/NOTICE.
    const LOCATION_SUITE: &str =
        include_str!("../../../fixtures/shared-config/smithy-rs-file-location-tests.json");

    fn lookup(variables: &HashMap<String, String>) -> impl Fn(&str) -> Option<String> + '_ {
        move |name| variables.get(name).cloned()
    }

    fn path_text(path: Option<PathBuf>) -> Option<String> {
        path.map(|path| path.to_string_lossy().into_owned())
    }

    /// Runs one location case and describes the mismatch, if any.
    fn check_location_case(case: &Value) -> Result<(), String> {
        let environment = case
            .get("environment")
            .and_then(Value::as_object)
            .ok_or("case has no environment object")?;
        let mut variables = HashMap::new();
        for (name, value) in environment {
            let value = value
                .as_str()
                .ok_or_else(|| format!("variable {name} is not a string"))?;
            variables.insert(name.clone(), value.to_owned());
        }
        let vars = lookup(&variables);

        let platform = match case.get("platform").and_then(Value::as_str) {
            Some("linux") => Platform::Unix,
            Some("windows") => Platform::Windows,
            other => return Err(format!("unknown platform {other:?}")),
        };

        let home = home_dir(platform, &vars);
        let mut mismatches = Vec::new();
        let checks = [
            (
                "configLocation",
                path_text(config_file_path(platform, &vars, home.as_deref())),
            ),
            (
                "credentialsLocation",
                path_text(credentials_file_path(platform, &vars, home.as_deref())),
            ),
            ("profile", Some(profile_name(&vars))),
        ];
        for (key, actual) in checks {
            // A case without "profile" does not check the profile name.
            let Some(expected) = case.get(key) else {
                continue;
            };
            let expected = expected
                .as_str()
                .ok_or_else(|| format!("{key} is not a string"))?;
            if actual.as_deref() != Some(expected) {
                mismatches.push(format!("{key}: expected {expected:?}, got {actual:?}"));
            }
        }
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(mismatches.join("; "))
        }
    }

    #[test]
    fn file_location_conformance() {
        let suite: Value =
            serde_json::from_str(LOCATION_SUITE).expect("location suite is valid JSON");
        let cases = suite["tests"]
            .as_array()
            .expect("location suite has a tests array");
        assert_eq!(cases.len(), 9, "case count of the location suite");

        let mut failures = Vec::new();
        for (index, case) in cases.iter().enumerate() {
            let name = case["name"].as_str().unwrap_or("(unnamed)");
            if let Err(mismatch) = check_location_case(case) {
                failures.push(format!("case {index} {name:?}: {mismatch}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} location cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    fn no_vars(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn expand_home_on_unix() {
        let home = Some(Path::new("/home/u"));
        let expand = |path| path_text(expand_home(Platform::Unix, path, home));
        assert_eq!(expand("~"), Some("/home/u".to_owned()));
        assert_eq!(expand("~/cfg"), Some("/home/u/cfg".to_owned()));
        assert_eq!(expand("~\\cfg"), Some("~\\cfg".to_owned()));
        assert_eq!(expand("~other/cfg"), Some("~other/cfg".to_owned()));
        assert_eq!(expand("/etc/~/cfg"), Some("/etc/~/cfg".to_owned()));
    }

    #[test]
    fn expand_home_on_windows() {
        let home = Some(Path::new("C:\\Users\\u"));
        let expand = |path| path_text(expand_home(Platform::Windows, path, home));
        assert_eq!(expand("~\\cfg"), Some("C:\\Users\\u\\cfg".to_owned()));
        assert_eq!(expand("~/cfg"), Some("C:\\Users\\u/cfg".to_owned()));
    }

    #[test]
    fn expand_home_root_separator() {
        let expanded = expand_home(Platform::Unix, "~/cfg", Some(Path::new("/")));
        assert_eq!(path_text(expanded), Some("/cfg".to_owned()));
    }

    #[test]
    fn expand_home_without_home() {
        assert_eq!(expand_home(Platform::Unix, "~/cfg", None), None);
        assert_eq!(
            path_text(expand_home(Platform::Unix, "/abs/cfg", None)),
            Some("/abs/cfg".to_owned())
        );
    }

    #[test]
    fn override_variable_is_expanded() {
        let variables = HashMap::from([("AWS_CONFIG_FILE".to_owned(), "~/work/config".to_owned())]);
        let vars = lookup(&variables);
        let path = config_file_path(Platform::Unix, &vars, Some(Path::new("/home/u")));
        assert_eq!(path_text(path), Some("/home/u/work/config".to_owned()));
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let variables = HashMap::from([
            ("AWS_CONFIG_FILE".to_owned(), String::new()),
            ("AWS_PROFILE".to_owned(), String::new()),
            ("HOME".to_owned(), String::new()),
            ("USERPROFILE".to_owned(), "C:\\Users\\u".to_owned()),
        ]);
        let vars = lookup(&variables);
        assert_eq!(home_dir(Platform::Unix, &vars), None);
        assert_eq!(
            home_dir(Platform::Windows, &vars),
            Some(PathBuf::from("C:\\Users\\u"))
        );
        assert_eq!(profile_name(&vars), "default");
        let path = config_file_path(Platform::Unix, &vars, Some(Path::new("/home/u")));
        assert_eq!(path_text(path), Some("/home/u/.aws/config".to_owned()));
    }

    #[test]
    fn no_home_means_no_default_path() {
        assert_eq!(home_dir(Platform::Windows, &no_vars), None);
        assert_eq!(config_file_path(Platform::Unix, &no_vars, None), None);
        assert_eq!(
            credentials_file_path(Platform::Windows, &no_vars, None),
            None
        );
    }

    #[test]
    fn home_drive_needs_home_path() {
        let variables = HashMap::from([("HOMEDRIVE".to_owned(), "C:".to_owned())]);
        assert_eq!(home_dir(Platform::Windows, &lookup(&variables)), None);
    }

    #[test]
    fn home_with_trailing_separator() {
        let path = credentials_file_path(Platform::Unix, &no_vars, Some(Path::new("/")));
        assert_eq!(path_text(path), Some("/.aws/credentials".to_owned()));
    }
}
