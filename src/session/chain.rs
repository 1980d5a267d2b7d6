//! The default credential chain: the sources the AWS SDKs try, in their order, and the
//! refreshing cache in front of them.
//!
//! Order: environment variables (skipped when the builder selects the profile), the selected
//! profile of the shared files, web identity from the environment, the container endpoint,
//! EC2 instance metadata. The first source that is
//! configured is used, and used again for every refresh. If it fails, the chain does not fall
//! through to the next one, so a broken profile never silently turns into an instance role.
//! When none is configured, the error lists every source and why it gave nothing.

use std::sync::{Mutex, PoisonError};

use super::cache::CredentialsCache;
use super::profile::{self, Platform};
use super::providers::container::ContainerSource;
use super::providers::imds::Imds;
use super::providers::profile::{resolve, BaseSource, NamedSource, ProfileChain, ResolveError};
use super::providers::web_identity::WebIdentitySource;
use super::providers::{environment, Lookup};
use super::AwsSession;
use crate::{Credentials, Error};

/// The source the chain settled on. Its `Debug` output contains no secret, because the
/// `Debug` output of each source redacts its tokens, keys and command arguments.
#[derive(Debug)]
enum Source {
    Environment,
    Profile(ProfileChain),
    WebIdentity(WebIdentitySource),
    Container(ContainerSource),
    InstanceMetadata(Imds),
}

/// The chain's state in a session: the cache and the source found by the first load.
#[derive(Default)]
pub(crate) struct DefaultChain {
    cache: CredentialsCache,
    source: Mutex<Option<Source>>,
}

impl DefaultChain {
    /// Returns cached credentials, loading or refreshing them by the cache rules.
    pub(crate) fn credentials(&self, session: &AwsSession) -> Result<Credentials, Error> {
        let now = || session.environment().now();
        self.cache.get(&now, &mut || {
            let mut source = self.source.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(source) = source.as_ref() {
                return source.load(session);
            }
            let (found, credentials) = find_source(session)?;
            log::debug!("credentials come from {}", found.describe());
            *source = Some(found);
            Ok(credentials)
        })
    }
}

/// Tries each source in order and loads credentials from the first one configured.
fn find_source(session: &AwsSession) -> Result<(Source, Credentials), Error> {
    let environment = session.environment();
    let mut tried = Vec::new();

    if session.profile_from_builder() {
        tried.push(format!(
            "environment variables: skipped because AwsSessionBuilder::profile selects profile \
             `{}`",
            session.profile_name()
        ));
    } else {
        match environment::credentials(environment)? {
            Some(credentials) => return Ok((Source::Environment, credentials)),
            None => tried.push(
                "environment variables: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
                    .to_string(),
            ),
        }
    }

    match resolve(session.profiles(), session.profile_name()) {
        Ok(chain) => {
            let source = Source::Profile(chain);
            let credentials = source.load(session)?;
            return Ok((source, credentials));
        }
        Err(ResolveError::Invalid(error)) => return Err(error),
        Err(ResolveError::NotConfigured(reason)) => tried.push(format!(
            "shared files ({}): {reason}",
            shared_file_paths(session)
        )),
    }

    match WebIdentitySource::from_environment(environment) {
        Lookup::Found(web_identity) => {
            let source = Source::WebIdentity(web_identity);
            let credentials = source.load(session)?;
            return Ok((source, credentials));
        }
        Lookup::NotFound(reason) => tried.push(format!("web identity: {reason}")),
    }

    match ContainerSource::from_environment(environment)? {
        Lookup::Found(container) => {
            let source = Source::Container(container);
            let credentials = source.load(session)?;
            return Ok((source, credentials));
        }
        Lookup::NotFound(reason) => tried.push(format!("container credentials: {reason}")),
    }

    match Imds::from_environment(environment, &|key| session.profile_value(key))? {
        Lookup::Found(imds) => {
            match imds.credentials(session.endpoint_client(), environment.now())? {
                Lookup::Found(credentials) => {
                    return Ok((Source::InstanceMetadata(imds), credentials));
                }
                Lookup::NotFound(reason) => tried.push(format!("instance metadata: {reason}")),
            }
        }
        Lookup::NotFound(reason) => tried.push(format!("instance metadata: {reason}")),
    }

    Err(Error::credentials(format!(
        "no AWS credentials found. Tried, in order: {}. Set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY, configure a profile, or pass credentials to \
         AwsSession::builder()",
        tried.join("; ")
    )))
}

/// Names the shared file paths for the "no credentials" message.
fn shared_file_paths(session: &AwsSession) -> String {
    let environment = session.environment();
    let vars = |name: &str| environment.var(name);
    let home = environment.home_dir();
    let paths: Vec<String> = [
        profile::config_file_path(Platform::current(), &vars, home),
        profile::credentials_file_path(Platform::current(), &vars, home),
    ]
    .into_iter()
    .flatten()
    .map(|path| path.display().to_string())
    .collect();
    if paths.is_empty() {
        "no home directory, so none".to_string()
    } else {
        paths.join(" and ")
    }
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Source::Environment => "the environment variables".to_string(),
            Source::Profile(chain) => match &chain.base {
                BaseSource::StaticKeys { profile, .. }
                | BaseSource::Named { profile, .. }
                | BaseSource::Process { profile, .. } => format!(
                    "profile `{profile}` with {} role assumption(s)",
                    chain.roles.len()
                ),
                BaseSource::WebIdentity(source) => {
                    format!("web identity for role {} in the profile", source.role_arn())
                }
                BaseSource::Sso(source) => format!("SSO for profile `{}`", source.profile),
            },
            Source::WebIdentity(source) => {
                format!(
                    "web identity for role {} from the environment",
                    source.role_arn()
                )
            }
            Source::Container(source) => format!("the container endpoint {}", source.url()),
            Source::InstanceMetadata(imds) => {
                format!("the instance metadata service at {}", imds.endpoint())
            }
        }
    }

    fn load(&self, session: &AwsSession) -> Result<Credentials, Error> {
        match self {
            Source::Environment => {
                environment::credentials(session.environment())?.ok_or_else(|| {
                    Error::credentials(
                        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are no longer set",
                    )
                })
            }
            Source::Profile(chain) => load_profile_chain(chain, session),
            Source::WebIdentity(source) => source.load(&session.with_credentials(None)),
            Source::Container(source) => source.load(session.endpoint_client()),
            Source::InstanceMetadata(imds) => {
                match imds.credentials(session.endpoint_client(), session.environment().now())? {
                    Lookup::Found(credentials) => Ok(credentials),
                    Lookup::NotFound(reason) => Err(Error::credentials(format!(
                        "the instance metadata service no longer provides credentials: {reason}"
                    ))),
                }
            }
        }
    }
}

/// Loads the base credentials of a profile chain, then assumes each role in turn.
fn load_profile_chain(chain: &ProfileChain, session: &AwsSession) -> Result<Credentials, Error> {
    let environment = session.environment();
    let mut credentials = match &chain.base {
        BaseSource::StaticKeys { credentials, .. } => credentials.clone(),
        BaseSource::Named { profile, source } => load_named(*source, profile, session)?,
        BaseSource::WebIdentity(source) => source.load(&session.with_credentials(None))?,
        BaseSource::Sso(source) => source.load(environment, session.endpoint_client())?,
        BaseSource::Process { source, .. } => source.load()?,
    };
    for role in &chain.roles {
        credentials = role.assume(session, credentials, session.mfa_token_provider())?;
    }
    Ok(credentials)
}

/// Loads the credentials that a `credential_source` names.
fn load_named(
    source: NamedSource,
    profile: &str,
    session: &AwsSession,
) -> Result<Credentials, Error> {
    let environment = session.environment();
    let missing = |what: &str, reason: &str| {
        Error::credentials(format!(
            "profile `{profile}` sets credential_source = {what}, but that source provides no \
             credentials: {reason}"
        ))
    };
    match source {
        NamedSource::Environment => environment::credentials(environment)?.ok_or_else(|| {
            missing(
                "Environment",
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
            )
        }),
        NamedSource::EcsContainer => match ContainerSource::from_environment(environment)? {
            Lookup::Found(container) => container.load(session.endpoint_client()),
            Lookup::NotFound(reason) => Err(missing("EcsContainer", &reason)),
        },
        NamedSource::Ec2InstanceMetadata => {
            match Imds::from_environment(environment, &|key| session.profile_value(key))? {
                Lookup::Found(imds) => {
                    match imds.credentials(session.endpoint_client(), environment.now())? {
                        Lookup::Found(credentials) => Ok(credentials),
                        Lookup::NotFound(reason) => Err(missing("Ec2InstanceMetadata", &reason)),
                    }
                }
                Lookup::NotFound(reason) => Err(missing("Ec2InstanceMetadata", &reason)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Environment;

    #[test]
    fn source_debug_redacts_the_container_token() {
        let environment = Environment::empty()
            .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/x")
            .with_var(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "secret-container-token",
            );
        let Ok(Lookup::Found(container)) = ContainerSource::from_environment(&environment) else {
            panic!("expected a container source")
        };
        let debug = format!("{:?}", Source::Container(container));
        assert!(!debug.contains("secret-container-token"), "{debug}");
        assert!(debug.starts_with("Container("), "{debug}");
    }
}
