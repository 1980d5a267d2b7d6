//! IAM Identity Center (SSO) credentials: the access token that `aws sso login` caches, and
//! the SSO portal's GetRoleCredentials call.
//!
//! Facts from botocore 1.44.8 (`utils.SSOTokenLoader`, `tokens.SSOTokenProvider`) and the
//! `sso` and `sso-oidc` service models it ships:
//! - The token cache is `~/.aws/sso/cache/<SHA-1 hex of the sso-session name>.json`, or of the
//!   start URL for legacy profiles without `sso_session`. It contains `accessToken` and
//!   `expiresAt`, and for `sso-session` logins also `refreshToken`, `clientId`,
//!   `clientSecret` and `registrationExpiresAt`.
//! - A token of an `sso-session` within 15 minutes of expiring is refreshed with the OIDC
//!   CreateToken call (`POST /token`, grant type `refresh_token`) and written back to the
//!   cache. Legacy tokens are never refreshed.
//! - GetRoleCredentials is `GET /federation/credentials?role_name=&account_id=` with the token
//!   in the `x-amz-sso_bearer_token` header; the expiration comes back in milliseconds since
//!   the Unix epoch.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use super::http::{EndpointClient, EndpointRequest};
use super::parse_timestamp;
use crate::session::Environment;
use crate::{Credentials, Error};

/// Tokens closer than this to expiring are refreshed, as botocore does.
const REFRESH_WINDOW: time::Duration = time::Duration::minutes(15);
/// The longest `expiresIn` accepted from CreateToken: a bound that only rejects values no real
/// token lifetime reaches.
const MAX_TOKEN_LIFETIME: time::Duration = time::Duration::days(90);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The SSO settings of a profile, checked and merged with its `sso-session` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoSource {
    /// The profile that configures SSO, for messages.
    pub(crate) profile: String,
    /// The `sso-session` name; `None` for a legacy profile with `sso_start_url`.
    pub(crate) session_name: Option<String>,
    pub(crate) start_url: String,
    pub(crate) region: String,
    pub(crate) account_id: Option<String>,
    pub(crate) role_name: Option<String>,
}

#[derive(Deserialize)]
struct RoleCredentialsResponse {
    #[serde(rename = "roleCredentials")]
    role_credentials: Option<RoleCredentials>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleCredentials {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTokenResponse {
    access_token: String,
    expires_in: i64,
    refresh_token: Option<String>,
}

impl SsoSource {
    /// Gets role credentials from the SSO portal with the cached access token.
    pub(crate) fn load(
        &self,
        environment: &Environment,
        client: &EndpointClient,
    ) -> Result<Credentials, Error> {
        let (Some(account_id), Some(role_name)) = (&self.account_id, &self.role_name) else {
            return Err(Error::credentials(format!(
                "profile `{}` names an SSO session but not sso_account_id and sso_role_name, so \
                 it provides an SSO token but no AWS credentials; add both to the profile",
                self.profile
            )));
        };
        let token = self.access_token(environment, client)?;

        let base = environment
            .non_empty_var("AWS_ENDPOINT_URL_SSO")
            .unwrap_or_else(|| regional_url("portal.sso", &self.region));
        let url = format!(
            "{}/federation/credentials?role_name={}&account_id={}",
            base.trim_end_matches('/'),
            percent_encode(role_name),
            percent_encode(account_id)
        );
        let request = EndpointRequest::new(ureq::http::Method::GET, url, REQUEST_TIMEOUT)
            .header("x-amz-sso_bearer_token", token);
        let response = client.send(request).map_err(|failure| {
            Error::credentials(format!(
                "the SSO portal call for profile `{}` failed: {failure}",
                self.profile
            ))
        })?;
        match response.status {
            200 => {}
            401 | 403 => {
                return Err(Error::credentials(format!(
                    "the SSO portal rejected the cached access token for profile `{}` (HTTP {}); \
                     run `aws sso login --profile {}`",
                    self.profile, response.status, self.profile
                )))
            }
            status => {
                return Err(Error::credentials(format!(
                    "the SSO portal returned HTTP {status} to GetRoleCredentials for role \
                     {role_name} in account {account_id} (profile `{}`)",
                    self.profile
                )))
            }
        }
        self.parse_role_credentials(&response.body, account_id)
    }

    fn parse_role_credentials(&self, body: &str, account_id: &str) -> Result<Credentials, Error> {
        let invalid = |reason: &str| {
            Error::credentials(format!(
                "the SSO portal returned an invalid GetRoleCredentials response for profile \
                 `{}`: {reason}",
                self.profile
            ))
        };
        let response: RoleCredentialsResponse =
            serde_json::from_str(body).map_err(|error| invalid(&error.to_string()))?;
        let role = response
            .role_credentials
            .ok_or_else(|| invalid("roleCredentials is missing"))?;
        let expiration = role
            .expiration
            .and_then(|millis| {
                OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok()
            })
            .ok_or_else(|| invalid("expiration is missing or out of range"))?;
        // An empty value counts as missing, so no credentials with an empty field are returned.
        let non_empty = |value: Option<String>| value.filter(|value| !value.is_empty());
        let access_key_id =
            non_empty(role.access_key_id).ok_or_else(|| invalid("accessKeyId is missing"))?;
        let secret_access_key = non_empty(role.secret_access_key)
            .ok_or_else(|| invalid("secretAccessKey is missing"))?;
        let session_token =
            non_empty(role.session_token).ok_or_else(|| invalid("sessionToken is missing"))?;
        Ok(Credentials::new(
            access_key_id,
            secret_access_key,
            Some(session_token),
            Some(expiration),
        )
        .with_account_id(account_id))
    }

    /// Returns a usable access token from the cache, refreshing it first where possible.
    fn access_token(
        &self,
        environment: &Environment,
        client: &EndpointClient,
    ) -> Result<String, Error> {
        let path = self.cache_path(environment)?;
        let login_hint = format!("run `aws sso login --profile {}`", self.profile);
        let text = std::fs::read_to_string(&path).map_err(|error| {
            Error::credentials(format!(
                "no cached SSO token for profile `{}` at {} ({error}); {login_hint}",
                self.profile,
                path.display()
            ))
        })?;
        let mut cached: Map<String, Value> = serde_json::from_str(&text).map_err(|error| {
            Error::credentials(format!(
                "the SSO token cache {} is not a JSON object ({error}); {login_hint}",
                path.display()
            ))
        })?;
        let access_token = string_field(&cached, "accessToken");
        let expires_at =
            string_field(&cached, "expiresAt").and_then(|value| parse_cache_time(&value));
        let (Some(mut access_token), Some(mut expires_at)) = (access_token, expires_at) else {
            return Err(Error::credentials(format!(
                "the SSO token cache {} has no valid accessToken and expiresAt; {login_hint}",
                path.display()
            )));
        };

        let now = OffsetDateTime::from(environment.now());
        if self.session_name.is_some() && expires_at - now < REFRESH_WINDOW {
            match self.refresh(&mut cached, environment, client, now) {
                Ok(Some((token, expiry))) => {
                    access_token = token;
                    expires_at = expiry;
                    if let Err(error) = write_cache(&path, &cached) {
                        log::warn!(
                            "refreshed the SSO token of profile `{}` but could not write it to {}: \
                             {error}",
                            self.profile,
                            path.display()
                        );
                    }
                }
                Ok(None) => {}
                Err(error) => log::warn!(
                    "refreshing the SSO token of profile `{}` failed: {error}",
                    self.profile
                ),
            }
        }
        if expires_at <= now {
            return Err(Error::credentials(format!(
                "the cached SSO token for profile `{}` expired at {expires_at} and could not be \
                 refreshed; {login_hint}",
                self.profile
            )));
        }
        Ok(access_token)
    }

    /// Calls CreateToken with the cached refresh token and updates `cached`. Returns `None`
    /// when the cache lacks what a refresh needs or the client registration has expired.
    fn refresh(
        &self,
        cached: &mut Map<String, Value>,
        environment: &Environment,
        client: &EndpointClient,
        now: OffsetDateTime,
    ) -> Result<Option<(String, OffsetDateTime)>, Error> {
        let fields = [
            "refreshToken",
            "clientId",
            "clientSecret",
            "registrationExpiresAt",
        ]
        .map(|name| string_field(cached, name));
        let [Some(refresh_token), Some(client_id), Some(client_secret), Some(registration)] =
            fields
        else {
            log::debug!(
                "the SSO token of profile `{}` cannot be refreshed: the cache has no refresh \
                 token and client registration",
                self.profile
            );
            return Ok(None);
        };
        if parse_cache_time(&registration).is_none_or(|expiry| expiry <= now) {
            log::debug!(
                "the SSO client registration of profile `{}` has expired",
                self.profile
            );
            return Ok(None);
        }

        let base = environment
            .non_empty_var("AWS_ENDPOINT_URL_SSO_OIDC")
            .unwrap_or_else(|| regional_url("oidc", &self.region));
        let body = serde_json::json!({
            "clientId": client_id,
            "clientSecret": client_secret,
            "grantType": "refresh_token",
            "refreshToken": refresh_token,
        });
        let request = EndpointRequest::new(
            ureq::http::Method::POST,
            format!("{}/token", base.trim_end_matches('/')),
            REQUEST_TIMEOUT,
        )
        .header("content-type", "application/json")
        .body(body.to_string());
        let response = client.send(request).map_err(|failure| {
            Error::credentials(format!("the SSO OIDC CreateToken call failed: {failure}"))
        })?;
        if response.status != 200 {
            return Err(Error::credentials(format!(
                "the SSO OIDC CreateToken call returned HTTP {}",
                response.status
            )));
        }
        let created: CreateTokenResponse =
            serde_json::from_str(&response.body).map_err(|error| {
                Error::credentials(format!(
                    "the SSO OIDC CreateToken response is invalid: {error}"
                ))
            })?;
        if created.access_token.is_empty() {
            return Err(Error::credentials(
                "the SSO OIDC CreateToken response is invalid: accessToken is empty",
            ));
        }
        let expires_at = token_expiry(now, created.expires_in)?;
        let expires_text = expires_at
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|error| Error::credentials(format!("cannot format a timestamp: {error}")))?;

        cached.insert(
            "accessToken".into(),
            Value::String(created.access_token.clone()),
        );
        cached.insert("expiresAt".into(), Value::String(expires_text));
        if let Some(refresh_token) = created.refresh_token {
            cached.insert("refreshToken".into(), Value::String(refresh_token));
        }
        log::debug!("refreshed the SSO token of profile `{}`", self.profile);
        Ok(Some((created.access_token, expires_at)))
    }

    /// Returns the token cache file: the SHA-1 of the session name, or of the start URL for
    /// legacy profiles, under `~/.aws/sso/cache`.
    fn cache_path(&self, environment: &Environment) -> Result<PathBuf, Error> {
        let home = environment.home_dir().ok_or_else(|| {
            Error::credentials(format!(
                "profile `{}` uses SSO, but no home directory is known to find \
                 ~/.aws/sso/cache in; set HOME",
                self.profile
            ))
        })?;
        let key = self.session_name.as_deref().unwrap_or(&self.start_url);
        Ok(home
            .join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{}.json", cache_key(key))))
    }
}

/// Returns the hex SHA-1 of `name`: the token cache file name without `.json`.
pub(crate) fn cache_key(name: &str) -> String {
    Sha1::digest(name.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Returns when a token created at `now` with CreateToken's `expiresIn` expires. Rejects a
/// lifetime that is not positive or longer than [`MAX_TOKEN_LIFETIME`], so a broken server
/// can neither make the cache hold an expired token nor overflow the timestamp.
fn token_expiry(now: OffsetDateTime, expires_in: i64) -> Result<OffsetDateTime, Error> {
    let lifetime = time::Duration::seconds(expires_in);
    let expiry = Some(lifetime)
        .filter(|lifetime| lifetime.is_positive() && *lifetime <= MAX_TOKEN_LIFETIME)
        .and_then(|lifetime| now.checked_add(lifetime));
    expiry.ok_or_else(|| {
        Error::credentials(format!(
            "the SSO OIDC CreateToken response is invalid: expiresIn {expires_in} is not a number \
             of seconds from 1 to {}",
            MAX_TOKEN_LIFETIME.whole_seconds()
        ))
    })
}

fn regional_url(service: &str, region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{service}.{region}.{suffix}")
}

fn string_field(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// Parses a cache timestamp. Besides RFC 3339, older AWS CLI versions wrote `UTC` in place of
/// `Z`, as in `2019-11-14T04:05:45UTC`.
fn parse_cache_time(value: &str) -> Option<OffsetDateTime> {
    let value = value.trim();
    parse_timestamp(value).ok().or_else(|| {
        let zulu = format!("{}Z", value.strip_suffix("UTC")?);
        parse_timestamp(&zulu).ok()
    })
}

/// Writes the cache file through a temporary file and a rename, so a reader never sees half
/// a file. The file contains the access and refresh tokens and the client secret, so on Unix
/// only the owner may read it (mode 0600).
fn write_cache(path: &Path, cached: &Map<String, Value>) -> std::io::Result<()> {
    let text = serde_json::to_string(cached).map_err(std::io::Error::other)?;
    let temporary = temporary_path(path);
    let result = write_new_private_file(&temporary, text.as_bytes())
        .and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Returns a temporary file name beside `path` that no other process or thread uses.
fn temporary_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    path.with_file_name(name)
}

/// Creates `path`, which must not exist yet, readable and writable by its owner only on Unix,
/// and writes `contents` to it.
fn write_new_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Percent-encodes a query value, keeping only RFC 3986 unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_key_is_sha1_hex() {
        // The SHA-1 of "abc" from FIPS 180-2, appendix A.
        assert_eq!(cache_key("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(cache_key("my-sso").len(), 40);
    }

    #[test]
    fn cache_times() {
        let expected = Some(time::macros::datetime!(2019-11-14 04:05:45 UTC));
        assert_eq!(parse_cache_time("2019-11-14T04:05:45Z"), expected);
        assert_eq!(parse_cache_time("2019-11-14T04:05:45UTC"), expected);
        assert_eq!(parse_cache_time("yesterday"), None);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(percent_encode("Admin+Role@x"), "Admin%2BRole%40x");
        assert_eq!(percent_encode("123456789012"), "123456789012");
    }
}
