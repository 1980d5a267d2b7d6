//! The injectable environment: variables, home directory and clock.
//!
//! Everything the crate reads from the outside world, apart from the files a setting names,
//! goes through [`Environment`], so tests can supply their own variables, home directory and
//! time without touching the process.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Environment variables, home directory and clock that configuration is read from.
///
/// [`Environment::process`] reads the real process environment and system clock; it is what
/// [`AwsSession::from_env`](crate::AwsSession::from_env) uses. [`Environment::empty`] starts
/// from nothing, for tests and for programs that want full control.
#[derive(Clone)]
pub struct Environment {
    variables: Variables,
    home_dir: Option<PathBuf>,
    clock: Clock,
    /// Whether the EC2 instance metadata service is asked for credentials and the region
    /// when no variable sets it.
    instance_metadata_by_default: bool,
}

#[derive(Clone)]
enum Variables {
    Process,
    Given(Arc<BTreeMap<String, String>>),
}

impl Environment {
    /// Reads variables from the process environment, the home directory from `HOME` (or
    /// `USERPROFILE` on Windows), and time from the system clock.
    pub fn process() -> Environment {
        let home_dir = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
        Environment {
            variables: Variables::Process,
            home_dir,
            clock: Arc::new(SystemTime::now),
            instance_metadata_by_default: true,
        }
    }

    /// Creates an environment with no variables, no home directory and the system clock.
    ///
    /// Unlike the process environment, it does not ask the EC2 instance metadata service
    /// (169.254.169.254) for credentials or the region unless a variable turns it on:
    /// `AWS_EC2_METADATA_DISABLED` set to anything but `true`, or
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`. So a session built on it makes no network call
    /// that its variables do not name.
    pub fn empty() -> Environment {
        Environment {
            variables: Variables::Given(Arc::new(BTreeMap::new())),
            home_dir: None,
            clock: Arc::new(SystemTime::now),
            instance_metadata_by_default: false,
        }
    }

    /// Sets a variable. On an environment from [`Environment::process`], this first copies the
    /// process variables, so the process itself is never changed.
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Environment {
        let mut variables = match self.variables {
            Variables::Process => std::env::vars().collect(),
            Variables::Given(variables) => Arc::unwrap_or_clone(variables),
        };
        variables.insert(name.into(), value.into());
        self.variables = Variables::Given(Arc::new(variables));
        self
    }

    /// Sets the home directory, under which `.aws/config` and `.aws/credentials` are looked up.
    pub fn with_home_dir(mut self, home_dir: impl Into<PathBuf>) -> Environment {
        self.home_dir = Some(home_dir.into());
        self
    }

    /// Sets the clock used for signing and for checking credential expiration.
    pub fn with_clock(
        mut self,
        clock: impl Fn() -> SystemTime + Send + Sync + 'static,
    ) -> Environment {
        self.clock = Arc::new(clock);
        self
    }

    /// Returns a variable's value, or `None` when it is unset or not valid Unicode.
    pub fn var(&self, name: &str) -> Option<String> {
        match &self.variables {
            Variables::Process => std::env::var(name).ok(),
            Variables::Given(variables) => variables.get(name).cloned(),
        }
    }

    /// Returns a variable's value, treating an empty value as unset, as the AWS SDKs do.
    pub(crate) fn non_empty_var(&self, name: &str) -> Option<String> {
        self.var(name).filter(|value| !value.is_empty())
    }

    /// Returns the home directory, when one is known.
    pub fn home_dir(&self) -> Option<&std::path::Path> {
        self.home_dir.as_deref()
    }

    /// Returns the current time from the clock.
    pub fn now(&self) -> SystemTime {
        (self.clock)()
    }

    /// Returns whether the EC2 instance metadata service may be asked for credentials and the
    /// region: never when `AWS_EC2_METADATA_DISABLED` is `true` (in any case), otherwise as
    /// [`Environment::process`] and [`Environment::empty`] describe.
    pub(crate) fn instance_metadata_enabled(&self) -> bool {
        match self.var("AWS_EC2_METADATA_DISABLED") {
            Some(value) if value.trim().eq_ignore_ascii_case("true") => false,
            Some(_) => true,
            None => {
                self.instance_metadata_by_default
                    || self
                        .non_empty_var("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                        .is_some()
            }
        }
    }
}

impl fmt::Debug for Environment {
    /// Shows the variable names but not their values, which may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Environment");
        match &self.variables {
            Variables::Process => debug.field("variables", &"process"),
            Variables::Given(variables) => {
                debug.field("variables", &variables.keys().collect::<Vec<_>>())
            }
        };
        debug
            .field("home_dir", &self.home_dir)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_variables_and_empty_values() {
        let environment = Environment::empty()
            .with_var("AWS_REGION", "eu-west-1")
            .with_var("AWS_PROFILE", "");
        assert_eq!(environment.var("AWS_REGION").as_deref(), Some("eu-west-1"));
        assert_eq!(environment.var("AWS_PROFILE").as_deref(), Some(""));
        assert_eq!(environment.non_empty_var("AWS_PROFILE"), None);
        assert_eq!(environment.var("HOME"), None);
    }

    #[test]
    fn debug_hides_values() {
        let environment = Environment::empty()
            .with_var("AWS_SECRET_ACCESS_KEY", "do-not-print")
            .with_home_dir("/home/test");
        let debug = format!("{environment:?}");
        assert_eq!(
            debug,
            "Environment { variables: [\"AWS_SECRET_ACCESS_KEY\"], home_dir: Some(\"/home/test\"), .. }"
        );
    }

    #[test]
    fn instance_metadata_switch() {
        assert!(!Environment::empty().instance_metadata_enabled());
        let enabled = [
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"),
        ];
        for (name, value) in enabled {
            let environment = Environment::empty().with_var(name, value);
            assert!(environment.instance_metadata_enabled(), "{name}={value}");
        }
        let disabled = Environment::empty()
            .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1")
            .with_var("AWS_EC2_METADATA_DISABLED", "TRUE");
        assert!(!disabled.instance_metadata_enabled());
    }

    #[test]
    fn injected_clock() {
        let fixed = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000);
        let environment = Environment::empty().with_clock(move || fixed);
        assert_eq!(environment.now(), fixed);
    }
}
