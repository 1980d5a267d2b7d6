//! The AWS SDK for Rust's whole-chain credential scenarios (fixtures/credential-chain, see
//! fixtures/NOTICE), run against this crate's default chain.
//!
//! Each case folder has `env.json` (variables), `fs/` (files, mounted at `/` upstream),
//! `http-traffic.json` (recorded requests and responses) and `test-case.json` (the expected
//! credentials or error). A case runs like this:
//! - `fs/` is copied to a temporary directory, `fs/home` is the home directory, and absolute
//!   paths in variables and config files are moved under the copy.
//! - Every recorded host gets a local [`FaultServer`] that replays its responses in order, and
//!   the variables point the chain at it: `AWS_ENDPOINT_URL_STS` for STS (or the case's own
//!   endpoint override, rewritten), `AWS_EC2_METADATA_SERVICE_ENDPOINT` for instance
//!   metadata, and `AWS_CONTAINER_CREDENTIALS_FULL_URI` in place of a relative container URI,
//!   whose host is fixed upstream. Cases without instance metadata traffic get
//!   `AWS_EC2_METADATA_DISABLED=true`. Before redirecting, the test checks that the session
//!   built from the case's own settings resolves the recorded STS URL; the redirected run
//!   turns FIPS and dual-stack off, which the endpoint rules reject with a custom endpoint.
//! - The profile-provider suite runs with the profile selected on the builder, which makes the
//!   chain skip the environment keys, as that suite's provider does.
//! - The clock is the first response's `Date`, so the recorded credentials are fresh. Cases
//!   without traffic run an hour before the expected expiration, or on the real clock.
//! - The requests the chain sends are compared with the recording: method, path, form body
//!   parameter by parameter, the access key, region and service of the signature, the
//!   security token and the instance metadata headers.
//!
//! Where this crate deliberately differs, the case's entry in [`DIFFERENCES`] says how and
//! why. The test prints the count of passed, applicable and total cases per suite.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use aws_sts_blocking::{AwsSession, Environment, Error, StsClient};
use serde_json::Value;
use support::fault::{FaultServer, RecordedRequest, Response, Step};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/credential-chain");

/// A documented difference between this crate and a case's upstream expectations.
struct Difference {
    case: &'static str,
    /// How this crate differs, and why.
    why: &'static str,
    /// Text our error message contains, for cases that expect an error.
    error_contains: Option<&'static str>,
    /// Form parameters of the n-th recorded request not compared with the recording, with the
    /// value this crate must send instead.
    body_exemptions: &'static [(usize, &'static str, Expected)],
    /// Whether the signing access key of recorded requests is compared.
    compare_signing_key: bool,
    /// Whether the security token of recorded requests is compared.
    compare_security_token: bool,
    /// The clock to use instead of the first response's date, in seconds since the epoch.
    clock: Option<u64>,
    /// The region our signatures name where the recorded one is not the reference.
    signing_region: Option<&'static str>,
    /// Whether the case needs the STS pipeline to retry a failed attempt. In a build whose
    /// pipeline sends each call once, such a case is not applicable. The test detects that
    /// build by the single request the local STS receives.
    needs_retries: bool,
}

/// The value a form parameter must have where the recording is not the reference.
#[derive(Clone, Copy)]
enum Expected {
    /// This exact text.
    Text(&'static str),
    /// The content of this file under the case's `fs/`, without surrounding whitespace.
    FileContent(&'static str),
}

const DEFAULT: Difference = Difference {
    case: "",
    why: "",
    error_contains: None,
    body_exemptions: &[],
    compare_signing_key: true,
    compare_security_token: true,
    clock: None,
    signing_region: None,
    needs_retries: false,
};

const DIFFERENCES: &[Difference] = &[
    Difference {
        case: "default-credential-provider-chain/ecs_assume_role",
        why: "the recording is spliced from the instance metadata case: the container returns \
              credentials that expired in 2009 while STS was called in 2021 with another key. \
              This crate never uses expired credentials, so the case runs at 2009-02-13T23:00Z \
              and the signing key of the STS call is not compared",
        compare_signing_key: false,
        compare_security_token: false,
        clock: Some(1_234_566_000),
        ..DEFAULT
    },
    Difference {
        case: "default-credential-provider-chain/profile_overrides_web_identity",
        why: "same outcome, our wording: the profile's credential_source = Environment finds no \
              keys, and the chain does not fall through to web identity",
        error_contains: Some(
            "profile `A` sets credential_source = Environment, but that source provides no credentials",
        ),
        ..DEFAULT
    },
    Difference {
        case: "default-credential-provider-chain/web_identity_source_profile_no_env",
        why: "same outcome, our wording",
        error_contains: Some("profile `B` sets web_identity_token_file but not role_arn"),
        ..DEFAULT
    },
    Difference {
        case: "default-credential-provider-chain/web_identity_token_env",
        why: "the recorded RoleArn (account 123456789123) does not match the case's AWS_ROLE_ARN \
              (account 123456789012); we send the configured one",
        body_exemptions: &[(
            0,
            "RoleArn",
            Expected::Text("arn:aws:iam::123456789012:role/test-role"),
        )],
        ..DEFAULT
    },
    Difference {
        case: "default-credential-provider-chain/web_identity_token_invalid_jwt",
        why: "the recorded token differs from the case's token file, which we send; our message \
              names the code as STS sent it (InvalidIdentityToken, without the SDK's \
              Exception suffix) and carries STS's message in its source",
error_contains: Some(
            "STS returned InvalidIdentityToken (HTTP 400, request id \
             5045ca91-d123-4749-9d66-00a3c906be6c): No OpenIDConnect provider found in your account",
        ),
        body_exemptions: &[(0, "WebIdentityToken", Expected::FileContent("token.jwt"))],
        ..DEFAULT
    },
    Difference {
        case: "default-credential-provider-chain/web_identity_token_profile",
        why: "the recorded RoleArn and token differ from the case's profile and token file; we \
              send the configured ones",
        body_exemptions: &[
            (0, "RoleArn", Expected::Text("arn:aws:iam::1234567890123:role/RoleA")),
            (0, "WebIdentityToken", Expected::FileContent("token.jwt")),
        ],
        ..DEFAULT
    },
    Difference {
        case: "default-credential-provider-chain/web_identity_token_source_profile",
        why: "the recorded RoleArn and token of the web identity call differ from the case's \
              profile B and token file, and we send the configured ones. The AssumeRole \
              response is spliced from a recording of 2021-08-05 while the web identity call is \
              from 2021-08-17, so the case runs at 2021-08-05T18:58:02Z, when the final \
              credentials are fresh. The recorded AssumeRole request carries the original \
              session token, which the recorded web identity response replaces with \
              TESTSESSIONTOKEN, so the security token is not compared",
        compare_security_token: false,
        clock: Some(1_628_189_882),
        body_exemptions: &[
            (0, "RoleArn", Expected::Text("arn:aws:iam::123456789012:role/s3-reader")),
            (0, "WebIdentityToken", Expected::FileContent("token.jwt")),
        ],
        ..DEFAULT
    },
    Difference {
        case: "profile-provider/credential_process_failure",
        why: "same outcome, our wording",
        error_contains: Some("credential_process `exit ...` failed: exit status: 1"),
        ..DEFAULT
    },
    Difference {
        case: "profile-provider/credential_process_invalid",
        why: "same outcome, our wording",
        error_contains: Some("credential_process `echo ...` returned invalid output: invalid JSON"),
        ..DEFAULT
    },
    Difference {
        case: "profile-provider/region_override",
        why: "the recording calls sts.us-east-2 but signs for us-east-1; this crate signs for \
              the region it calls, as the endpoint rules say",
        signing_region: Some("us-east-2"),
        ..DEFAULT
    },
    Difference {
        case: "profile-provider/retry_on_error",
        why: "the first AssumeRole attempt gets HTTP 503 and the second succeeds, so the case \
              needs the STS pipeline's retries; it counts as not applicable in a build that \
              sends each call once",
        needs_retries: true,
        ..DEFAULT
    },
    Difference {
        case: "profile-provider/empty_config",
        why: "same outcome, our wording: with no files and instance metadata off, the chain \
              lists each source it tried",
        error_contains: Some("no AWS credentials found. Tried, in order:"),
        ..DEFAULT
    },
    Difference {
        case: "profile-provider/invalid_config",
        why: "same outcome, our wording; this crate reads the files when the session is built, so \
              the error comes from build(), not from the first credentials call",
        error_contains: Some("config file"),
        ..DEFAULT
    },
];

/// One recorded request and the response it got.
struct Exchange {
    base_url: String,
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: String,
    response: Response,
}

/// Reads the recorded traffic, one exchange per connection, in connection order.
fn read_traffic(path: &Path) -> Vec<Exchange> {
    let traffic: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut exchanges: BTreeMap<u64, Exchange> = BTreeMap::new();
    for event in traffic["events"].as_array().unwrap() {
        let connection = event["connection_id"].as_u64().unwrap();
        let action = &event["action"];
        if let Some(request) = action.get("Request") {
            let request = &request["request"];
            let uri = request["uri"].as_str().unwrap();
            let (base_url, path) = split_uri(uri);
            exchanges.insert(
                connection,
                Exchange {
                    base_url,
                    method: request["method"].as_str().unwrap().to_string(),
                    path,
                    headers: first_values(&request["headers"]),
                    body: String::new(),
                    response: Response::new(0),
                },
            );
        } else if let Some(response) = action.get("Response") {
            let recorded = &response["response"]["Ok"];
            let exchange = exchanges.get_mut(&connection).unwrap();
            exchange.response.status = recorded["status"].as_u64().unwrap() as u16;
            for (name, value) in first_values(&recorded["headers"]) {
                // The server computes the length; some recorded lengths do not match the body.
                if name != "content-length" && name != "transfer-encoding" {
                    exchange.response.headers.push((name, value));
                }
            }
        } else if let Some(data) = action.get("Data") {
            let text = data["data"]["Utf8"].as_str().unwrap();
            let exchange = exchanges.get_mut(&connection).unwrap();
            match data["direction"].as_str().unwrap() {
                "Request" => exchange.body.push_str(text),
                _ => exchange.response.body.extend_from_slice(text.as_bytes()),
            }
        }
    }
    exchanges.into_values().collect()
}

fn first_values(headers: &Value) -> BTreeMap<String, String> {
    headers
        .as_object()
        .map(|headers| {
            headers
                .iter()
                .map(|(name, values)| {
                    (
                        name.to_ascii_lowercase(),
                        values[0].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Splits `http://host/path` into `http://host` and `/path`.
fn split_uri(uri: &str) -> (String, String) {
    let after_scheme = uri.find("://").map(|index| index + 3).unwrap_or(0);
    match uri[after_scheme..].find('/') {
        Some(index) => (
            uri[..after_scheme + index].to_string(),
            uri[after_scheme + index..].to_string(),
        ),
        None => (uri.to_string(), "/".to_string()),
    }
}

/// Decodes an `application/x-www-form-urlencoded` body into its parameters.
fn form_parameters(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
                decoded.push(u8::from_str_radix(hex, 16).unwrap());
                index += 2;
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8(decoded).unwrap()
}

/// A copy of a case's `fs/` folder that is deleted when dropped.
struct CaseFiles {
    root: PathBuf,
}

impl CaseFiles {
    fn copy(case_dir: &Path) -> CaseFiles {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let root = std::env::temp_dir().join(format!(
            "aws-sts-blocking-chain-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(root.join("home")).unwrap();
        let source = case_dir.join("fs");
        if source.is_dir() {
            copy_tree(&source, &root);
        }
        CaseFiles { root }
    }

    /// Moves an absolute path of the case under the copy.
    fn relocate(&self, path: &str) -> String {
        format!("{}{path}", self.root.display())
    }

    /// Rewrites text in the copied config and credentials files.
    fn rewrite_files(&self, from: &str, to: &str) {
        for name in ["config", "credentials"] {
            let path = self.root.join("home/.aws").join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                std::fs::write(&path, text.replace(from, to)).unwrap();
            }
        }
    }
}

impl Drop for CaseFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Parses an HTTP date such as `Tue, 21 Sep 2021 17:41:25 GMT` into seconds since the epoch.
fn http_date_seconds(date: &str) -> u64 {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(date, &format)
        .unwrap()
        .assume_utc()
        .unix_timestamp() as u64
}

fn is_sts_host(base_url: &str) -> bool {
    !base_url.contains("169.254.169.254") && !base_url.contains("169.254.170.2")
}

/// Runs one case and returns what went wrong, if anything.
/// The outcome of a case that did not pass.
enum Outcome {
    Failed(String),
    NotApplicable(String),
}

impl From<String> for Outcome {
    fn from(reason: String) -> Outcome {
        Outcome::Failed(reason)
    }
}

impl From<&str> for Outcome {
    fn from(reason: &str) -> Outcome {
        Outcome::Failed(reason.to_string())
    }
}

fn run_case(suite: &str, name: &str) -> Result<(), Outcome> {
    let case_name = format!("{suite}/{name}");
    let case_dir = Path::new(FIXTURES).join(suite).join(name);
    let difference = DIFFERENCES
        .iter()
        .find(|difference| difference.case == case_name)
        .unwrap_or(&DEFAULT);
    let test_case: Value =
        serde_json::from_str(&std::fs::read_to_string(case_dir.join("test-case.json")).unwrap())
            .unwrap();
    let expected = &test_case["result"];
    let files = CaseFiles::copy(&case_dir);
    let exchanges = read_traffic(&case_dir.join("http-traffic.json"));

    let mut variables: BTreeMap<String, String> = serde_json::from_str::<BTreeMap<String, Value>>(
        &std::fs::read_to_string(case_dir.join("env.json")).unwrap(),
    )
    .unwrap()
    .into_iter()
    .map(|(name, value)| (name, value.as_str().unwrap_or_default().to_string()))
    .collect();
    variables.remove("HOME");
    for value in variables.values_mut() {
        if value.starts_with('/') && !value.starts_with("/v2/") {
            *value = files.relocate(value);
        }
    }
    files.rewrite_files("= /", &format!("= {}/", files.root.display()));

    // The session as the case configures it, before any redirect, must resolve the recorded
    // STS URL.
    let clock_seconds = difference.clock.unwrap_or_else(|| {
        exchanges
            .iter()
            .find_map(|exchange| {
                exchange
                    .response
                    .headers
                    .iter()
                    .find(|(name, _)| name == "date")
                    .map(|(_, date)| http_date_seconds(date))
            })
            .or_else(|| {
                expected["Ok"]["expiry"]
                    .as_u64()
                    .map(|expiry| expiry - 3_600)
            })
            .unwrap_or(0)
    });
    // The profile-provider suite tests the profile provider on its own. Selecting the profile on
    // the builder does that within the whole chain: it skips the environment keys, which
    // e2e_assume_role sets and must not use.
    let selected_profile = variables
        .get("AWS_PROFILE")
        .cloned()
        .unwrap_or_else(|| "default".to_string());
    let builder = |environment: Environment| {
        let builder = AwsSession::builder().environment(environment);
        if suite == "profile-provider" {
            builder.profile(selected_profile.clone())
        } else {
            builder
        }
    };
    let environment = |variables: &BTreeMap<String, String>| {
        let mut environment = Environment::empty().with_home_dir(files.root.join("home"));
        for (name, value) in variables {
            environment = environment.with_var(name, value);
        }
        if clock_seconds > 0 {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(clock_seconds);
            environment = environment.with_clock(move || now);
        }
        environment
    };
    if let Some(sts) = exchanges
        .iter()
        .find(|exchange| is_sts_host(&exchange.base_url))
    {
        let mut unredirected = variables.clone();
        unredirected.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
        let session = builder(environment(&unredirected))
            .build()
            .map_err(|error| format!("building the session failed: {error}"))?;
        let client = StsClient::new(None, None, Some(session)).map_err(|e| e.to_string())?;
        let resolved = client.endpoint().trim_end_matches('/');
        if resolved != sts.base_url {
            return Err(Outcome::Failed(format!(
                "the session resolves STS to {resolved}, the recording calls {}",
                sts.base_url
            )));
        }
    }

    // One local server per recorded host, replaying its responses in order.
    let mut hosts: Vec<String> = Vec::new();
    for exchange in &exchanges {
        if !hosts.contains(&exchange.base_url) {
            hosts.push(exchange.base_url.clone());
        }
    }
    let servers: Vec<(String, FaultServer)> = hosts
        .iter()
        .map(|host| {
            let steps = exchanges
                .iter()
                .filter(|exchange| &exchange.base_url == host)
                .map(|exchange| Step::Respond(exchange.response.clone()))
                .collect();
            (host.clone(), FaultServer::start(steps))
        })
        .collect();
    let mut uses_instance_metadata = false;
    for (host, server) in &servers {
        if host.contains("169.254.169.254") {
            uses_instance_metadata = true;
            variables.insert(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT".into(),
                server.endpoint(),
            );
        } else if host.contains("169.254.170.2") {
            let relative = variables
                .remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                .ok_or("container traffic without a relative URI")?;
            variables.insert(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
                format!("{}{relative}", server.endpoint()),
            );
        } else if host.starts_with("http://aws.") {
            // The case's own endpoint override: point it at the server wherever it is set.
            for value in variables.values_mut() {
                *value = value.replace(host.as_str(), &server.endpoint());
            }
            files.rewrite_files(host, &server.endpoint());
        } else {
            // The endpoint rules reject FIPS and dual-stack with a custom endpoint; the check
            // above has already covered them.
            variables.insert("AWS_ENDPOINT_URL_STS".into(), server.endpoint());
            variables.insert("AWS_USE_FIPS_ENDPOINT".into(), "false".into());
            variables.insert("AWS_USE_DUALSTACK_ENDPOINT".into(), "false".into());
        }
    }
    if !uses_instance_metadata {
        variables.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
    }

    let result = builder(environment(&variables))
        .build()
        .and_then(|session| session.credentials());
    let sts_requests: usize = servers
        .iter()
        .filter(|(host, _)| is_sts_host(host))
        .map(|(_, server)| server.request_count())
        .sum();
    if difference.needs_retries && result.is_err() && sts_requests == 1 {
        return Err(Outcome::NotApplicable(
            "the STS pipeline of this build does not retry".to_string(),
        ));
    }
    check_result(&case_name, expected, difference, result)?;

    let mut recorded_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sent_index: BTreeMap<&str, usize> = BTreeMap::new();
    let sent: BTreeMap<&str, Vec<RecordedRequest>> = servers
        .iter()
        .map(|(host, server)| (host.as_str(), server.requests()))
        .collect();
    for (position, exchange) in exchanges.iter().enumerate() {
        let host = exchange.base_url.as_str();
        let index = recorded_index.entry(host).or_default();
        let ours = sent.get(host).and_then(|requests| requests.get(*index));
        *index += 1;
        let Some(ours) = ours else {
            return Err(Outcome::Failed(format!(
                "request {position} to {host} was never sent"
            )));
        };
        *sent_index.entry(host).or_default() += 1;
        compare_request(position, exchange, ours, difference, &files, clock_seconds)?;
    }
    for (host, requests) in &sent {
        let expected_count = sent_index.get(host).copied().unwrap_or_default();
        if requests.len() != expected_count {
            return Err(Outcome::Failed(format!(
                "{} requests went to {host}, the recording has {expected_count}",
                requests.len()
            )));
        }
    }
    Ok(())
}

fn check_result(
    case: &str,
    expected: &Value,
    difference: &Difference,
    result: Result<aws_sts_blocking::Credentials, Error>,
) -> Result<(), String> {
    match (expected.get("Ok"), result) {
        (Some(expected), Ok(credentials)) => {
            let expiry = credentials
                .expiration()
                .map(|expiration| expiration.unix_timestamp());
            let actual = serde_json::json!({
                "access_key_id": credentials.access_key_id(),
                "secret_access_key": credentials.secret_access_key(),
                "session_token": credentials.session_token(),
                "account_id": credentials.account_id(),
                "expiry": expiry,
            });
            for key in [
                "access_key_id",
                "secret_access_key",
                "session_token",
                "account_id",
                "expiry",
            ] {
                if actual[key] != expected[key] {
                    return Err(format!(
                        "{key} is {}, expected {}",
                        actual[key], expected[key]
                    ));
                }
            }
            Ok(())
        }
        (Some(_), Err(error)) => Err(format!(
            "expected credentials, got: {}",
            full_message(&error)
        )),
        (None, Ok(credentials)) => Err(format!("expected an error, got {credentials:?}")),
        (None, Err(error)) => {
            let upstream = expected["ErrorContains"].as_str().unwrap_or_default();
            let needle = difference.error_contains.unwrap_or(upstream);
            let message = full_message(&error);
            if message.contains(needle) {
                Ok(())
            } else {
                Err(format!("{case}: error {message:?} lacks {needle:?}"))
            }
        }
    }
}

/// Joins an error's message with those of its sources.
fn full_message(error: &Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

fn compare_request(
    position: usize,
    recorded: &Exchange,
    ours: &RecordedRequest,
    difference: &Difference,
    files: &CaseFiles,
    clock_seconds: u64,
) -> Result<(), String> {
    let context = |what: String| format!("request {position} to {}: {what}", recorded.base_url);
    if ours.method != recorded.method {
        return Err(context(format!(
            "method {}, recorded {}",
            ours.method, recorded.method
        )));
    }
    if ours.path != recorded.path {
        return Err(context(format!(
            "path {}, recorded {}",
            ours.path, recorded.path
        )));
    }

    for header in [
        "x-aws-ec2-metadata-token",
        "x-aws-ec2-metadata-token-ttl-seconds",
    ] {
        if let Some(value) = recorded.headers.get(header) {
            if ours.header(header) != Some(value.as_str()) {
                return Err(context(format!(
                    "header {header} is {:?}",
                    ours.header(header)
                )));
            }
        }
    }

    if recorded.method == "POST" {
        let content_type = ours.header("content-type").unwrap_or_default();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(context(format!("content-type {content_type:?}")));
        }
        compare_signature(recorded, ours, difference, clock_seconds).map_err(context)?;
        compare_body(position, recorded, ours, difference, files, clock_seconds)
            .map_err(context)?;
    }
    Ok(())
}

fn compare_signature(
    recorded: &Exchange,
    ours: &RecordedRequest,
    difference: &Difference,
    clock_seconds: u64,
) -> Result<(), String> {
    let scope = |authorization: &str| -> Option<Vec<String>> {
        let credential = authorization
            .split("Credential=")
            .nth(1)?
            .split(',')
            .next()?;
        Some(credential.split('/').map(str::to_string).collect())
    };
    match (
        recorded.headers.get("authorization"),
        ours.header("authorization"),
    ) {
        (None, None) => return Ok(()),
        (Some(_), None) => return Err("the request is not signed".to_string()),
        (None, Some(_)) => return Err("the request is signed but the recording is not".to_string()),
        (Some(theirs), Some(ours_value)) => {
            let theirs = scope(theirs).ok_or("unreadable recorded Authorization")?;
            let mine = scope(ours_value).ok_or("unreadable Authorization")?;
            // Parts: access key, date, region, service, aws4_request.
            if difference.compare_signing_key && mine[0] != theirs[0] {
                return Err(format!(
                    "signed with key {}, recorded {}",
                    mine[0], theirs[0]
                ));
            }
            let region = difference.signing_region.unwrap_or(&theirs[2]);
            if mine[2] != region || mine[3..] != theirs[3..] {
                return Err(format!("scope {mine:?}, recorded {theirs:?}"));
            }
            let date = time::OffsetDateTime::from_unix_timestamp(clock_seconds as i64)
                .unwrap()
                .format(time::macros::format_description!("[year][month][day]"))
                .unwrap();
            if mine[1] != date {
                return Err(format!("signed for {}, the clock says {date}", mine[1]));
            }
        }
    }
    if difference.compare_security_token {
        let theirs = recorded
            .headers
            .get("x-amz-security-token")
            .map(String::as_str);
        if ours.header("x-amz-security-token") != theirs {
            return Err("x-amz-security-token differs from the recording".to_string());
        }
    }
    Ok(())
}

fn compare_body(
    position: usize,
    recorded: &Exchange,
    ours: &RecordedRequest,
    difference: &Difference,
    files: &CaseFiles,
    clock_seconds: u64,
) -> Result<(), String> {
    let mut theirs = form_parameters(&recorded.body);
    let mut mine = form_parameters(&ours.body_text());

    // Each SDK names generated sessions its own way; ours is aws-sts-blocking-<milliseconds>.
    let generated = format!("aws-sts-blocking-{}", clock_seconds * 1000);
    let recorded_name = theirs.remove("RoleSessionName");
    let our_name = mine.remove("RoleSessionName");
    if recorded_name.is_some() != our_name.is_some() {
        return Err(format!(
            "RoleSessionName {our_name:?}, recorded {recorded_name:?}"
        ));
    }
    if let (Some(ours), Some(theirs)) = (&our_name, &recorded_name) {
        let upstream_generated = theirs.contains(char::is_numeric) || theirs.ends_with("-session");
        if ours != theirs && !(upstream_generated && *ours == generated) {
            return Err(format!("RoleSessionName {ours:?}, recorded {theirs:?}"));
        }
    }

    for (index, name, expected) in difference.body_exemptions {
        if *index != position {
            continue;
        }
        theirs.remove(*name);
        let value = mine.remove(*name).unwrap_or_default();
        let expected = match expected {
            Expected::Text(text) => text.to_string(),
            Expected::FileContent(path) => std::fs::read_to_string(files.root.join(path))
                .unwrap()
                .trim()
                .to_string(),
        };
        if value != expected {
            return Err(format!("{name} is {value:?}, expected {expected:?}"));
        }
    }
    if mine != theirs {
        return Err(format!("form {mine:?}, recorded {theirs:?}"));
    }
    Ok(())
}

fn case_names(suite: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(Path::new(FIXTURES).join(suite))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn run_suite(suite: &str, expected_total: usize) {
    let names = case_names(suite);
    assert_eq!(names.len(), expected_total, "cases in {suite}");
    let mut failures = Vec::new();
    let mut not_applicable = Vec::new();
    for name in &names {
        match run_case(suite, name) {
            Ok(()) => {}
            Err(Outcome::Failed(reason)) => failures.push(format!("{name}: {reason}")),
            Err(Outcome::NotApplicable(reason)) => not_applicable.push(format!("{name}: {reason}")),
        }
    }
    let applicable = names.len() - not_applicable.len();
    let passed = applicable - failures.len();
    eprintln!(
        "{suite}: {passed} passed / {applicable} applicable / {} total",
        names.len()
    );
    for case in &not_applicable {
        eprintln!("  not applicable: {case}");
    }
    for difference in DIFFERENCES.iter().filter(|d| d.case.starts_with(suite)) {
        eprintln!("  differs: {}: {}", difference.case, difference.why);
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn default_chain_scenarios() {
    run_suite("default-credential-provider-chain", 14);
}

#[test]
fn profile_provider_scenarios() {
    run_suite("profile-provider", 14);
}

#[test]
fn form_decoding() {
    let parameters = form_parameters("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam&Name=a+b");
    assert_eq!(parameters["RoleArn"], "arn:aws:iam");
    assert_eq!(parameters["Name"], "a b");
}
