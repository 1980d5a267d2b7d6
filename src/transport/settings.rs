//! Resolution of the retry and CA bundle settings from the builder, the environment and the
//! shared config file's profile, in that order of precedence, as the AWS SDKs resolve them.

use std::path::PathBuf;
use std::time::Duration;

use super::retry::{RetryConfig, RetryMode, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_ATTEMPTS};
use crate::session::Environment;
use crate::Error;

/// Settings given to [`AwsSessionBuilder`](crate::AwsSessionBuilder); `None` means not set.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReliabilityOverrides {
    pub(crate) max_attempts: Option<u32>,
    pub(crate) retry_mode: Option<RetryMode>,
    pub(crate) initial_backoff: Option<Duration>,
    pub(crate) ca_bundle: Option<PathBuf>,
}

/// The reliability settings of the selected profile in the shared config file
/// (`~/.aws/config`), as written there.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProfileReliabilitySettings<'a> {
    /// The `max_attempts` setting.
    pub(crate) max_attempts: Option<&'a str>,
    /// The `retry_mode` setting.
    pub(crate) retry_mode: Option<&'a str>,
    /// The `ca_bundle` setting.
    pub(crate) ca_bundle: Option<&'a str>,
}

impl<'a> ProfileReliabilitySettings<'a> {
    /// Collects the profile's `max_attempts`, `retry_mode` and `ca_bundle` values for
    /// [`resolve_retry_config`] and [`resolve_ca_bundle`]. `None` or an empty value means the
    /// profile does not set it.
    pub(crate) fn from_profile(
        max_attempts: Option<&'a str>,
        retry_mode: Option<&'a str>,
        ca_bundle: Option<&'a str>,
    ) -> ProfileReliabilitySettings<'a> {
        ProfileReliabilitySettings {
            max_attempts,
            retry_mode,
            ca_bundle,
        }
    }
}

/// Resolves the retry settings: the builder, then `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE`, then
/// the profile, then the defaults (3 attempts, standard mode).
///
/// # Errors
///
/// [`Error::Config`] when a maximum number of attempts is not a whole number of at least 1,
/// or a retry mode is not `standard`, `adaptive` or `legacy`.
pub(crate) fn resolve_retry_config(
    overrides: &ReliabilityOverrides,
    environment: &Environment,
    profile: ProfileReliabilitySettings<'_>,
) -> Result<RetryConfig, Error> {
    let max_attempts = match overrides.max_attempts {
        Some(0) => {
            return Err(Error::config(
                "invalid max_attempts 0: it counts the first attempt, so it must be at least 1",
            ))
        }
        Some(value) => value,
        None => match environment.non_empty_var("AWS_MAX_ATTEMPTS") {
            Some(value) => parse_max_attempts("AWS_MAX_ATTEMPTS", &value)?,
            None => match non_empty(profile.max_attempts) {
                Some(value) => parse_max_attempts("max_attempts in the profile", value)?,
                None => DEFAULT_MAX_ATTEMPTS,
            },
        },
    };

    let mode = match overrides.retry_mode {
        Some(mode) => mode,
        None => match environment.non_empty_var("AWS_RETRY_MODE") {
            Some(value) => parse_retry_mode("AWS_RETRY_MODE", &value)?,
            None => match non_empty(profile.retry_mode) {
                Some(value) => parse_retry_mode("retry_mode in the profile", value)?,
                None => RetryMode::Standard,
            },
        },
    };

    Ok(RetryConfig {
        max_attempts,
        mode,
        initial_backoff: overrides.initial_backoff.unwrap_or(DEFAULT_INITIAL_BACKOFF),
    })
}

/// Resolves the CA bundle path: the builder, then `AWS_CA_BUNDLE`, then the profile's
/// `ca_bundle`; `None` means the default roots.
pub(crate) fn resolve_ca_bundle(
    overrides: &ReliabilityOverrides,
    environment: &Environment,
    profile: ProfileReliabilitySettings<'_>,
) -> Option<PathBuf> {
    overrides
        .ca_bundle
        .clone()
        .or_else(|| {
            environment
                .non_empty_var("AWS_CA_BUNDLE")
                .map(PathBuf::from)
        })
        .or_else(|| non_empty(profile.ca_bundle).map(PathBuf::from))
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}

fn parse_max_attempts(source: &str, value: &str) -> Result<u32, Error> {
    match value.trim().parse::<u32>() {
        Ok(attempts) if attempts >= 1 => Ok(attempts),
        _ => Err(Error::config(format!(
            "invalid {source} {value:?}: expected a whole number of attempts of at least 1, \
             such as 3"
        ))),
    }
}

fn parse_retry_mode(source: &str, value: &str) -> Result<RetryMode, Error> {
    RetryMode::parse(value).ok_or_else(|| {
        Error::config(format!(
            "invalid {source} {value:?}: expected \"standard\" or \"adaptive\""
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        overrides: &ReliabilityOverrides,
        variables: &[(&str, &str)],
        profile: ProfileReliabilitySettings<'_>,
    ) -> Result<RetryConfig, Error> {
        let mut environment = Environment::empty();
        for (name, value) in variables {
            environment = environment.with_var(*name, *value);
        }
        resolve_retry_config(overrides, &environment, profile)
    }

    #[test]
    fn defaults() {
        let config = resolve(&ReliabilityOverrides::default(), &[], Default::default()).unwrap();
        assert_eq!(config, RetryConfig::default());
        assert_eq!(config.max_attempts, 3);
        assert_eq!(config.mode, RetryMode::Standard);
    }

    #[test]
    fn precedence_builder_environment_profile() {
        let profile = ProfileReliabilitySettings::from_profile(Some("7"), Some("adaptive"), None);
        let from_profile = resolve(&ReliabilityOverrides::default(), &[], profile).unwrap();
        assert_eq!(from_profile.max_attempts, 7);
        assert_eq!(from_profile.mode, RetryMode::Adaptive);

        let variables = [("AWS_MAX_ATTEMPTS", "5"), ("AWS_RETRY_MODE", "standard")];
        let from_environment =
            resolve(&ReliabilityOverrides::default(), &variables, profile).unwrap();
        assert_eq!(from_environment.max_attempts, 5);
        assert_eq!(from_environment.mode, RetryMode::Standard);

        let overrides = ReliabilityOverrides {
            max_attempts: Some(1),
            retry_mode: Some(RetryMode::Adaptive),
            initial_backoff: Some(Duration::from_millis(10)),
            ca_bundle: None,
        };
        let from_builder = resolve(&overrides, &variables, profile).unwrap();
        assert_eq!(from_builder.max_attempts, 1);
        assert_eq!(from_builder.mode, RetryMode::Adaptive);
        assert_eq!(from_builder.initial_backoff, Duration::from_millis(10));
    }

    #[test]
    fn invalid_values_are_config_errors() {
        for value in ["0", "-1", "three", "1.5"] {
            let error = resolve(
                &ReliabilityOverrides::default(),
                &[("AWS_MAX_ATTEMPTS", value)],
                Default::default(),
            )
            .unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{value}");
            assert!(error.to_string().contains("AWS_MAX_ATTEMPTS"), "{error}");
        }
        let error = resolve(
            &ReliabilityOverrides::default(),
            &[("AWS_RETRY_MODE", "fast")],
            Default::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("AWS_RETRY_MODE"), "{error}");
        let profile = ProfileReliabilitySettings::from_profile(Some("none"), None, None);
        let error = resolve(&ReliabilityOverrides::default(), &[], profile).unwrap_err();
        assert!(error.to_string().contains("profile"), "{error}");
        let overrides = ReliabilityOverrides {
            max_attempts: Some(0),
            ..ReliabilityOverrides::default()
        };
        assert!(resolve(&overrides, &[], Default::default()).is_err());
    }

    #[test]
    fn ca_bundle_precedence() {
        let profile = ProfileReliabilitySettings::from_profile(None, None, Some("/profile.pem"));
        let environment = Environment::empty().with_var("AWS_CA_BUNDLE", "/environment.pem");
        let overrides = ReliabilityOverrides {
            ca_bundle: Some(PathBuf::from("/builder.pem")),
            ..ReliabilityOverrides::default()
        };
        assert_eq!(
            resolve_ca_bundle(&overrides, &environment, profile),
            Some(PathBuf::from("/builder.pem"))
        );
        assert_eq!(
            resolve_ca_bundle(&ReliabilityOverrides::default(), &environment, profile),
            Some(PathBuf::from("/environment.pem"))
        );
        assert_eq!(
            resolve_ca_bundle(
                &ReliabilityOverrides::default(),
                &Environment::empty(),
                profile
            ),
            Some(PathBuf::from("/profile.pem"))
        );
        assert_eq!(
            resolve_ca_bundle(
                &ReliabilityOverrides::default(),
                &Environment::empty(),
                Default::default()
            ),
            None
        );
    }
}
