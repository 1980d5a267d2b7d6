//! Entry points for the fuzz targets in `fuzz/`. The module exists only when the crate is built
//! with `--cfg fuzzing`, which `cargo fuzz` sets, or for its own tests, and is not part of the
//! public API.

use crate::invoke::read_response;
use crate::operations::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    AssumeRootRequest, DecodeAuthorizationMessageRequest, GetAccessKeyInfoRequest,
    GetCallerIdentityRequest, GetDelegatedAccessTokenRequest, GetFederationTokenRequest,
    GetScopedCredentialsRequest, GetSessionTokenRequest, GetWebIdentityTokenRequest, Operation,
};
use crate::session::profile::ProfileSet;
use crate::session::providers::process::ProcessSource;
use crate::session::providers::MetadataCredentials;
use crate::transport::http::HttpResponse;

/// Reads `data` as an STS response for every operation: the first two bytes choose the HTTP
/// status and the rest is the body. Panics only if the response reader panics.
pub fn read_responses(data: &[u8]) {
    let (status, body) = match data {
        [high, low, body @ ..] => (u16::from_be_bytes([*high, *low]) % 600, body),
        _ => (200, data),
    };
    read_as::<AssumeRoleRequest>(status, body);
    read_as::<AssumeRoleWithSamlRequest>(status, body);
    read_as::<AssumeRoleWithWebIdentityRequest>(status, body);
    read_as::<AssumeRootRequest>(status, body);
    read_as::<DecodeAuthorizationMessageRequest>(status, body);
    read_as::<GetAccessKeyInfoRequest>(status, body);
    read_as::<GetCallerIdentityRequest>(status, body);
    read_as::<GetDelegatedAccessTokenRequest>(status, body);
    read_as::<GetFederationTokenRequest>(status, body);
    read_as::<GetScopedCredentialsRequest>(status, body);
    read_as::<GetSessionTokenRequest>(status, body);
    read_as::<GetWebIdentityTokenRequest>(status, body);
}

fn read_as<O: Operation>(status: u16, body: &[u8]) {
    let response = HttpResponse {
        status,
        request_id: None,
        date: None,
        retry_after: None,
        body: body.to_vec(),
    };
    // Every outcome is acceptable except a panic, so the result is dropped.
    let _ = read_response::<O>(response, None);
}

/// Parses `data`, read as UTF-8 with invalid bytes replaced, as a shared config file and as a
/// shared credentials file, then looks up every profile it found.
pub fn parse_profile_files(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for (config, credentials) in [(Some(&*text), None), (None, Some(&*text))] {
        if let Ok(profiles) = ProfileSet::parse(config, credentials) {
            let names: Vec<String> = profiles.profile_names().map(str::to_string).collect();
            for name in names {
                if let Some(profile) = profiles.profile(&name) {
                    let _ = profile.properties().count();
                }
            }
        }
    }
}

/// Parses `data` as the standard output of a `credential_process` command and, read as UTF-8
/// with invalid bytes replaced, as a container or instance metadata credentials document.
pub fn parse_credential_documents(data: &[u8]) {
    // Every outcome is acceptable except a panic, so the results are dropped.
    let _ = ProcessSource::new("fuzz", Some("123456789012".to_string())).parse(data);
    let _ = MetadataCredentials::parse(&String::from_utf8_lossy(data), "fuzz");
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Replays every input in `fuzz/regressions/TARGET/` through the target's entry point:
    /// crashes that fuzzing found, and hand-made hostile inputs.
    fn replay(target: &str, entry_point: fn(&[u8])) {
        let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions")
            .join(target);
        let entries = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", directory.display()));
        let mut count = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            entry_point(&input);
            count += 1;
        }
        assert!(count > 0, "no inputs in {}", directory.display());
    }

    #[test]
    fn xml_response_regressions() {
        replay("xml_response", super::read_responses);
    }

    #[test]
    fn profile_file_regressions() {
        replay("profile_file", super::parse_profile_files);
    }

    #[test]
    fn credential_document_regressions() {
        replay("credential_document", super::parse_credential_documents);
    }
}
