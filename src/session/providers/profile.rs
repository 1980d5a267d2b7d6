//! Credentials from the shared config and credentials files: resolving a profile into a
//! chain of one base source and the roles assumed from it.
//!
//! The resolution rules, checked against the AWS SDK for Rust's assume-role conformance
//! cases:
//! - A profile with `role_arn` is assumed with the credentials of its `source_profile` (a
//!   chain of any length) or of its `credential_source`. A source profile that has static
//!   keys of its own stops the chain there, even if it also has `role_arn`. A profile that
//!   names itself as its source uses its own static keys.
//! - A profile with `role_arn` and `web_identity_token_file` is a web identity base.
//! - Otherwise the base is the profile's SSO settings, then its static keys, then its
//!   `credential_process`.
//! - A profile visited twice is a cycle, reported with the path.

use std::collections::BTreeSet;

use super::process::ProcessSource;
use super::sso::SsoSource;
use super::web_identity::WebIdentitySource;
use crate::session::profile::{ProfileSet, Section};
use crate::{Credentials, Error};

/// The source of a profile's base credentials.
#[derive(Debug, Clone)]
pub(crate) enum BaseSource {
    /// `aws_access_key_id` and `aws_secret_access_key`, with `aws_session_token` and
    /// `aws_account_id` where set.
    StaticKeys {
        profile: String,
        credentials: Credentials,
    },
    /// `credential_source` of a role profile.
    Named {
        profile: String,
        source: NamedSource,
    },
    /// `web_identity_token_file` with `role_arn`.
    WebIdentity(WebIdentitySource),
    /// `sso_session`, or the legacy `sso_start_url` settings.
    Sso(SsoSource),
    /// `credential_process`.
    Process {
        profile: String,
        source: ProcessSource,
    },
}

/// The values of `credential_source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamedSource {
    /// `Environment`: `AWS_ACCESS_KEY_ID` and the related variables.
    Environment,
    /// `EcsContainer`: the container credentials endpoint.
    EcsContainer,
    /// `Ec2InstanceMetadata`: the instance metadata service.
    Ec2InstanceMetadata,
}

/// One role assumption of a profile chain, with the profile's settings for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleLink {
    pub(crate) profile: String,
    pub(crate) role_arn: String,
    pub(crate) external_id: Option<String>,
    pub(crate) role_session_name: Option<String>,
    pub(crate) duration_seconds: Option<i32>,
    pub(crate) mfa_serial: Option<String>,
    pub(crate) source_identity: Option<String>,
}

/// A resolved profile: the base source, then the roles to assume in order, innermost first.
#[derive(Debug, Clone)]
pub(crate) struct ProfileChain {
    pub(crate) base: BaseSource,
    pub(crate) roles: Vec<RoleLink>,
}

/// The reason a profile resolves to no chain.
#[derive(Debug)]
pub(crate) enum ResolveError {
    /// The selected profile does not exist or has no credential settings, so the default chain
    /// goes on to the next source. The text gives the reason.
    NotConfigured(String),
    /// The profile's credential settings are wrong: an [`Error::Config`].
    Invalid(Error),
}

/// Resolves `selected` into a chain, as the module documentation describes.
pub(crate) fn resolve(profiles: &ProfileSet, selected: &str) -> Result<ProfileChain, ResolveError> {
    if profiles.profile_names().next().is_none() {
        return Err(ResolveError::NotConfigured(
            "no profiles are defined in the shared config and credentials files".to_string(),
        ));
    }

    let mut roles = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut visited = BTreeSet::new();
    let mut name = selected.to_string();
    let base = loop {
        let is_first = path.is_empty();
        let Some(profile) = profiles.profile(&name) else {
            if is_first {
                return Err(ResolveError::NotConfigured(format!(
                    "profile `{name}` is not defined in the shared config and credentials files"
                )));
            }
            let referrer = path.last().map(String::as_str).unwrap_or_default();
            return Err(invalid(format!(
                "profile `{name}`, the source_profile of profile `{referrer}`, is not defined in \
                 the shared config and credentials files"
            )));
        };
        path.push(name.clone());
        if !visited.insert(name.clone()) {
            return Err(invalid(format!(
                "the source_profile settings form a cycle: {}; make one profile in the chain \
                 use static keys, credential_source or another source",
                path.join(" -> ")
            )));
        }

        if !is_first && value(profile, "aws_access_key_id").is_some() {
            break static_keys(profile)?;
        }
        let Some(role_arn) = value(profile, "role_arn") else {
            break base_without_role(profiles, profile, is_first)?;
        };
        if let Some(token_file) = value(profile, "web_identity_token_file") {
            break BaseSource::WebIdentity(WebIdentitySource::new(
                role_arn,
                token_file,
                value(profile, "role_session_name"),
            ));
        }

        let source_profile = value(profile, "source_profile");
        let credential_source = value(profile, "credential_source");
        match (source_profile, credential_source) {
            (Some(_), Some(_)) => {
                return Err(invalid(format!(
                    "profile `{name}` sets both source_profile and credential_source; keep only \
                     the one that provides the credentials to assume role {role_arn} with"
                )))
            }
            (None, None) => {
                return Err(invalid(format!(
                    "profile `{name}` sets role_arn but neither source_profile nor \
                     credential_source; add the one that provides the credentials to assume \
                     role {role_arn} with"
                )))
            }
            (None, Some(source)) => {
                roles.push(role_link(profile, role_arn)?);
                break BaseSource::Named {
                    profile: name.clone(),
                    source: named_source(&name, source)?,
                };
            }
            (Some(source_profile), None) => {
                roles.push(role_link(profile, role_arn)?);
                if source_profile == name {
                    if value(profile, "aws_access_key_id").is_none() {
                        return Err(invalid(format!(
                            "profile `{name}` names itself as source_profile but has no \
                             aws_access_key_id and aws_secret_access_key"
                        )));
                    }
                    break static_keys(profile)?;
                }
                name = source_profile.to_string();
            }
        }
    };

    roles.reverse();
    Ok(ProfileChain { base, roles })
}

/// Resolves the base of a profile without `role_arn`.
fn base_without_role(
    profiles: &ProfileSet,
    profile: &Section,
    is_first: bool,
) -> Result<BaseSource, ResolveError> {
    let name = profile.name();
    if value(profile, "web_identity_token_file").is_some() {
        return Err(invalid(format!(
            "profile `{name}` sets web_identity_token_file but not role_arn; add the role to \
             assume with the token"
        )));
    }
    if let Some(sso) = sso_source(profiles, profile)? {
        return Ok(BaseSource::Sso(sso));
    }
    if value(profile, "aws_access_key_id").is_some()
        || value(profile, "aws_secret_access_key").is_some()
    {
        return static_keys(profile);
    }
    if let Some(command) = value(profile, "credential_process") {
        return Ok(BaseSource::Process {
            profile: name.to_string(),
            source: ProcessSource::new(
                command,
                value(profile, "aws_account_id").map(str::to_string),
            ),
        });
    }
    if is_first {
        return Err(ResolveError::NotConfigured(format!(
            "profile `{name}` has no credential settings (static keys, role_arn, \
             credential_process, web_identity_token_file or SSO)"
        )));
    }
    Err(invalid(format!(
        "profile `{name}` is used as a source_profile but has no credential settings; add \
         aws_access_key_id and aws_secret_access_key, or another credential source"
    )))
}

fn static_keys(profile: &Section) -> Result<BaseSource, ResolveError> {
    let name = profile.name();
    let access_key_id = value(profile, "aws_access_key_id");
    let secret_access_key = value(profile, "aws_secret_access_key");
    let (access_key_id, secret_access_key) = match (access_key_id, secret_access_key) {
        (Some(id), Some(secret)) => (id, secret),
        (Some(_), None) => {
            return Err(invalid(format!(
                "profile `{name}` sets aws_access_key_id but not aws_secret_access_key"
            )))
        }
        _ => {
            return Err(invalid(format!(
                "profile `{name}` sets aws_secret_access_key but not aws_access_key_id"
            )))
        }
    };
    let mut credentials = Credentials::new(
        access_key_id,
        secret_access_key,
        value(profile, "aws_session_token").map(str::to_string),
        None,
    );
    if let Some(account_id) = value(profile, "aws_account_id") {
        credentials = credentials.with_account_id(account_id);
    }
    Ok(BaseSource::StaticKeys {
        profile: name.to_string(),
        credentials,
    })
}

fn role_link(profile: &Section, role_arn: &str) -> Result<RoleLink, ResolveError> {
    let name = profile.name();
    let duration_seconds = match value(profile, "duration_seconds") {
        None => None,
        Some(text) => Some(text.trim().parse::<i32>().map_err(|_| {
            invalid(format!(
                "profile `{name}` has duration_seconds {text:?}, which is not a whole number of \
                 seconds; use 900 to 43200"
            ))
        })?),
    };
    Ok(RoleLink {
        profile: name.to_string(),
        role_arn: role_arn.to_string(),
        external_id: value(profile, "external_id").map(str::to_string),
        role_session_name: value(profile, "role_session_name").map(str::to_string),
        duration_seconds,
        mfa_serial: value(profile, "mfa_serial").map(str::to_string),
        source_identity: value(profile, "source_identity").map(str::to_string),
    })
}

fn named_source(profile: &str, source: &str) -> Result<NamedSource, ResolveError> {
    match source {
        "Environment" => Ok(NamedSource::Environment),
        "EcsContainer" => Ok(NamedSource::EcsContainer),
        "Ec2InstanceMetadata" => Ok(NamedSource::Ec2InstanceMetadata),
        other => Err(invalid(format!(
            "profile `{profile}` has credential_source {other:?}; use Environment, EcsContainer \
             or Ec2InstanceMetadata"
        ))),
    }
}

/// Reads and checks a profile's SSO settings. Returns `None` when it has none.
fn sso_source(profiles: &ProfileSet, profile: &Section) -> Result<Option<SsoSource>, ResolveError> {
    let name = profile.name();
    let account_id = value(profile, "sso_account_id").map(str::to_string);
    let role_name = value(profile, "sso_role_name").map(str::to_string);
    let session_name = value(profile, "sso_session");
    let legacy_start_url = value(profile, "sso_start_url");
    if session_name.is_none()
        && legacy_start_url.is_none()
        && account_id.is_none()
        && role_name.is_none()
    {
        return Ok(None);
    }

    match (&account_id, &role_name) {
        (None, Some(_)) => {
            return Err(invalid(format!(
                "profile `{name}` sets sso_role_name but not sso_account_id; set both"
            )))
        }
        (Some(_), None) => {
            return Err(invalid(format!(
                "profile `{name}` sets sso_account_id but not sso_role_name; set both"
            )))
        }
        _ => {}
    }

    let Some(session_name) = session_name else {
        let required = [
            "sso_start_url",
            "sso_region",
            "sso_account_id",
            "sso_role_name",
        ];
        let missing: Vec<&str> = required
            .into_iter()
            .filter(|key| value(profile, key).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(invalid(format!(
                "profile `{name}` uses SSO without sso_session but lacks {}; add them or use an \
                 [sso-session] section",
                missing.join(", ")
            )));
        }
        return Ok(Some(SsoSource {
            profile: name.to_string(),
            session_name: None,
            start_url: legacy_start_url.unwrap_or_default().to_string(),
            region: value(profile, "sso_region").unwrap_or_default().to_string(),
            account_id,
            role_name,
        }));
    };

    let Some(session) = profiles.sso_session(session_name) else {
        return Err(invalid(format!(
            "sso-session `{session_name}`, named by profile `{name}`, is not defined in the \
             config file"
        )));
    };
    let mut settings = Vec::new();
    for key in ["sso_region", "sso_start_url"] {
        let in_session = value(session, key);
        match (value(profile, key), in_session) {
            (Some(in_profile), Some(in_session)) if in_profile != in_session => {
                return Err(invalid(format!(
                    "profile `{name}` sets {key} = {in_profile}, but its sso-session \
                     `{session_name}` sets {key} = {in_session}; remove it from the profile"
                )))
            }
            (Some(_), None) => {
                return Err(invalid(format!(
                    "profile `{name}` sets {key}, which belongs in its [sso-session \
                     {session_name}] section when sso_session is set"
                )))
            }
            (_, None) => {
                return Err(invalid(format!(
                    "sso-session `{session_name}`, named by profile `{name}`, has no {key}"
                )))
            }
            (_, Some(in_session)) => settings.push(in_session.to_string()),
        }
    }
    let start_url = settings.pop().unwrap_or_default();
    let region = settings.pop().unwrap_or_default();
    Ok(Some(SsoSource {
        profile: name.to_string(),
        session_name: Some(session_name.to_string()),
        start_url,
        region,
        account_id,
        role_name,
    }))
}

/// Returns a property's value, treating an empty value as unset.
fn value<'a>(section: &'a Section, key: &str) -> Option<&'a str> {
    section.get(key).filter(|value| !value.is_empty())
}

fn invalid(message: String) -> ResolveError {
    ResolveError::Invalid(Error::config(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    /// The AWS SDK for Rust's assume-role resolution cases; see fixtures/NOTICE.
    const CASES: &str =
        include_str!("../../../fixtures/credential-chain/smithy-rs-assume-role-tests.json");

    /// For each case that expects an error: the text our message must contain, and whether
    /// the default chain goes on to the next source (`NotConfigured`) instead of failing. The
    /// suite's messages are the AWS SDK for Rust's; ours name the same cause in other words.
    const EXPECTED_ERRORS: &[(&str, &str, bool)] = &[
        (
            "role_arn without source source_profile",
            "sets role_arn but neither source_profile nor credential_source",
            false,
        ),
        (
            "source profile and credential source both present",
            "sets both source_profile and credential_source",
            false,
        ),
        (
            "partial credentials error (missing secret)",
            "profile `B` sets aws_access_key_id but not aws_secret_access_key",
            false,
        ),
        (
            "partial credentials error (missing access key)",
            "profile `B` sets aws_secret_access_key but not aws_access_key_id",
            false,
        ),
        (
            "missing credentials error (empty source profile)",
            "profile `B` is used as a source_profile but has no credential settings",
            false,
        ),
        (
            "profile only contains configuration",
            "profile `A` has no credential settings",
            true,
        ),
        (
            "missing source profile",
            "profile `B`, the source_profile of profile `A`, is not defined",
            false,
        ),
        (
            "missing root profile (should never happen in practice)",
            "no profiles are defined",
            true,
        ),
        (
            "assume role profile infinite loop",
            "form a cycle: A -> B -> A",
            false,
        ),
        (
            "infinite loop with static credentials",
            "form a cycle: A -> B -> A",
            false,
        ),
        (
            "web identity role",
            "profile `A` sets web_identity_token_file but not role_arn",
            false,
        ),
        (
            "invalid SSO credentials configuration: missing account ID",
            "sets sso_role_name but not sso_account_id",
            false,
        ),
        (
            "invalid SSO credentials configuration: missing role name",
            "sets sso_account_id but not sso_role_name",
            false,
        ),
        (
            "invalid SSO token configuration: sso_region must be in sso-session",
            "profile `A` sets sso_region, which belongs in its [sso-session A] section",
            false,
        ),
        (
            "invalid SSO token configuration: sso-session not found",
            "sso-session `oops`, named by profile `A`, is not defined",
            false,
        ),
    ];

    /// Writes the case's profiles and sso-sessions as a config file.
    fn config_text(input: &Value) -> String {
        let mut text = String::new();
        let sections = [("profiles", "profile"), ("sso_sessions", "sso-session")];
        for (key, kind) in sections {
            let Some(sections) = input.get(key).and_then(Value::as_object) else {
                continue;
            };
            for (name, properties) in sections {
                text.push_str(&format!("[{kind} {name}]\n"));
                for (property, value) in properties.as_object().unwrap() {
                    text.push_str(&format!("{property} = {}\n", value.as_str().unwrap()));
                }
            }
        }
        text
    }

    fn insert(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            map.insert(key.to_string(), json!(value));
        }
    }

    /// Describes a chain in the suite's JSON form.
    fn describe(chain: &ProfileChain) -> Vec<Value> {
        let mut entries = Vec::new();
        entries.push(match &chain.base {
            BaseSource::StaticKeys { credentials, .. } => {
                let mut keys = Map::new();
                insert(
                    &mut keys,
                    "access_key_id",
                    Some(credentials.access_key_id()),
                );
                insert(
                    &mut keys,
                    "secret_access_key",
                    Some(credentials.secret_access_key()),
                );
                insert(&mut keys, "account_id", credentials.account_id());
                json!({ "AccessKey": keys })
            }
            BaseSource::Named { source, .. } => json!({ "NamedSource": format!("{source:?}") }),
            BaseSource::WebIdentity(source) => {
                let mut fields = Map::new();
                insert(&mut fields, "role_arn", Some(&source.role_arn));
                insert(
                    &mut fields,
                    "web_identity_token_file",
                    source.token_file.to_str(),
                );
                insert(
                    &mut fields,
                    "role_session_name",
                    source.role_session_name.as_deref(),
                );
                json!({ "WebIdentityToken": fields })
            }
            BaseSource::Sso(source) => {
                let mut fields = Map::new();
                insert(&mut fields, "sso_session", source.session_name.as_deref());
                insert(&mut fields, "sso_region", Some(&source.region));
                insert(&mut fields, "sso_start_url", Some(&source.start_url));
                insert(&mut fields, "sso_account_id", source.account_id.as_deref());
                insert(&mut fields, "sso_role_name", source.role_name.as_deref());
                json!({ "Sso": fields })
            }
            BaseSource::Process { .. } => json!({ "CredentialProcess": {} }),
        });
        for role in &chain.roles {
            let mut fields = Map::new();
            insert(&mut fields, "role_arn", Some(&role.role_arn));
            insert(
                &mut fields,
                "role_session_name",
                role.role_session_name.as_deref(),
            );
            insert(&mut fields, "external_id", role.external_id.as_deref());
            entries.push(json!({ "AssumeRole": fields }));
        }
        entries
    }

    fn run_case(case: &Value) -> Result<(), String> {
        let docs = case["docs"].as_str().unwrap_or_default();
        let input = &case["input"];
        let text = config_text(input);
        let profiles = ProfileSet::parse(Some(&text), None).map_err(|error| error.to_string())?;
        let selected = input["selected_profile"].as_str().unwrap();
        let result = resolve(&profiles, selected);

        match (&case["output"]["ProfileChain"], result) {
            (Value::Array(expected), Ok(chain)) => {
                let actual = describe(&chain);
                if &actual == expected {
                    Ok(())
                } else {
                    Err(format!("chain {actual:?}, expected {expected:?}"))
                }
            }
            (Value::Array(_), Err(error)) => Err(format!("unexpected error {error:?}")),
            (_, result) => {
                let (_, needle, goes_on) = EXPECTED_ERRORS
                    .iter()
                    .find(|(case_docs, _, _)| *case_docs == docs)
                    .ok_or("no expected error listed for this case")?;
                let (message, not_configured) = match result {
                    Ok(chain) => return Err(format!("expected an error, got {chain:?}")),
                    Err(ResolveError::NotConfigured(reason)) => (reason, true),
                    Err(ResolveError::Invalid(error)) => (error.to_string(), false),
                };
                if !message.contains(needle) {
                    return Err(format!("message {message:?} lacks {needle:?}"));
                }
                if not_configured != *goes_on {
                    return Err(format!(
                        "NotConfigured is {not_configured}, expected {goes_on}"
                    ));
                }
                Ok(())
            }
        }
    }

    #[test]
    fn assume_role_conformance_cases() {
        let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
        assert_eq!(cases.len(), 28);
        let failures: Vec<String> = cases
            .iter()
            .enumerate()
            .filter_map(|(index, case)| {
                run_case(case)
                    .err()
                    .map(|reason| format!("case {index} ({}): {reason}", case["docs"]))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of 28 failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn role_settings_reach_the_link() {
        let text = "[profile A]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = B\n\
                    mfa_serial = arn:aws:iam::123456789012:mfa/me\nduration_seconds = 1800\n\
                    source_identity = alice\nexternal_id = ext\n\
                    [profile B]\naws_access_key_id = AKID\naws_secret_access_key = s\n";
        let profiles = ProfileSet::parse(Some(text), None).unwrap();
        let chain = resolve(&profiles, "A").unwrap();
        assert_eq!(
            chain.roles,
            vec![RoleLink {
                profile: "A".into(),
                role_arn: "arn:aws:iam::123456789012:role/A".into(),
                external_id: Some("ext".into()),
                role_session_name: None,
                duration_seconds: Some(1800),
                mfa_serial: Some("arn:aws:iam::123456789012:mfa/me".into()),
                source_identity: Some("alice".into()),
            }]
        );
    }

    #[test]
    fn long_chain_resolves_innermost_first() {
        let mut text =
            String::from("[profile P0]\naws_access_key_id = AKID\naws_secret_access_key = s\n");
        for index in 1..=6 {
            text.push_str(&format!(
                "[profile P{index}]\nrole_arn = arn:aws:iam::123456789012:role/R{index}\nsource_profile = P{}\n",
                index - 1
            ));
        }
        let profiles = ProfileSet::parse(Some(&text), None).unwrap();
        let chain = resolve(&profiles, "P6").unwrap();
        let arns: Vec<&str> = chain
            .roles
            .iter()
            .map(|role| role.role_arn.as_str())
            .collect();
        assert_eq!(arns.first(), Some(&"arn:aws:iam::123456789012:role/R1"));
        assert_eq!(arns.last(), Some(&"arn:aws:iam::123456789012:role/R6"));
        assert_eq!(arns.len(), 6);
    }

    #[test]
    fn bad_duration_and_credential_source_are_config_errors() {
        let cases = [
            "[profile A]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Environment\nduration_seconds = 1h\n",
            "[profile A]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Laptop\n",
        ];
        for text in cases {
            let profiles = ProfileSet::parse(Some(text), None).unwrap();
            let result = resolve(&profiles, "A");
            assert!(
                matches!(result, Err(ResolveError::Invalid(Error::Config { .. }))),
                "{text}: {result:?}"
            );
        }
    }
}
