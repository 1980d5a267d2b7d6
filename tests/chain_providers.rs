//! The default chain's sources against local stand-ins: real `credential_process` child
//! processes, and container, instance metadata and SSO endpoints served by [`FaultServer`] on
//! 127.0.0.1. Every session uses `Environment::empty()` with a temporary home directory, so
//! no test reads the real `~/.aws` or the process environment.

mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_sts_blocking::{AwsSession, Credentials, Environment, Error};
use support::fault::{FaultServer, Response, Step};

/// 2030-01-01T00:00:00Z, the start of every injected clock.
const START: u64 = 1_893_456_000;

/// A temporary home directory, deleted when dropped.
struct Home {
    path: PathBuf,
}

impl Home {
    fn new() -> Home {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "aws-sts-blocking-providers-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(path.join(".aws")).unwrap();
        Home { path }
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A clock that tests move by hand, starting at [`START`].
#[derive(Clone)]
struct Clock(Arc<AtomicU64>);

impl Clock {
    fn new() -> Clock {
        Clock(Arc::new(AtomicU64::new(START)))
    }

    fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
}

/// Returns an environment with no variables but `AWS_EC2_METADATA_DISABLED=true`, the home directory
/// and the clock.
fn environment(home: &Home, clock: &Clock) -> Environment {
    let clock = clock.clone();
    Environment::empty()
        .with_var("AWS_EC2_METADATA_DISABLED", "true")
        .with_home_dir(home.path())
        .with_clock(move || clock.now())
}

fn session(environment: Environment) -> AwsSession {
    AwsSession::builder()
        .environment(environment)
        .region("us-east-1")
        .build()
        .unwrap()
}

/// Formats the time `seconds_after_start` after [`START`] as RFC 3339.
fn timestamp(seconds_after_start: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp((START + seconds_after_start) as i64)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn metadata_document(key: &str, expires_after: u64) -> String {
    format!(
        r#"{{"Code":"Success","AccessKeyId":"{key}","SecretAccessKey":"secret-{key}","Token":"token-{key}","Expiration":"{}"}}"#,
        timestamp(expires_after)
    )
}

fn ok(body: impl Into<Vec<u8>>) -> Step {
    Step::Respond(Response::new(200).body(body))
}

#[test]
fn session_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<AwsSession>();
    assert_send_sync::<Credentials>();
}

#[test]
fn nothing_configured_lists_every_source() {
    let home = Home::new();
    let error = session(environment(&home, &Clock::new()))
        .credentials()
        .unwrap_err();
    assert!(matches!(error, Error::Credentials { .. }), "{error:?}");
    let message = error.to_string();
    for source in [
        "environment variables: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
        "shared files (",
        "no profiles are defined",
        "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set",
        "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and \
         AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
        "instance metadata: the instance metadata service is disabled",
    ] {
        assert!(
            message.contains(source),
            "{source:?} missing from {message}"
        );
    }
}

#[test]
fn environment_keys_with_expiration_and_account() {
    let home = Home::new();
    let environment = environment(&home, &Clock::new())
        .with_var("AWS_ACCESS_KEY_ID", "ASIAENV")
        .with_var("AWS_SECRET_ACCESS_KEY", "secret")
        .with_var("AWS_SESSION_TOKEN", "token")
        .with_var("AWS_CREDENTIAL_EXPIRATION", timestamp(3_600))
        .with_var("AWS_ACCOUNT_ID", "123456789012");
    let credentials = session(environment).credentials().unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAENV");
    assert_eq!(credentials.session_token(), Some("token"));
    assert_eq!(credentials.account_id(), Some("123456789012"));
    assert_eq!(
        credentials.expiration().map(|e| e.unix_timestamp()),
        Some((START + 3_600) as i64)
    );
}

#[test]
fn expired_explicit_credentials_are_rejected() {
    let home = Home::new();
    let clock = Clock::new();
    let expired = Credentials::new(
        "ASIAOLD",
        "secret",
        Some("token".into()),
        Some(time::OffsetDateTime::from_unix_timestamp(START as i64 - 1).unwrap()),
    );
    let session = AwsSession::builder()
        .environment(environment(&home, &clock))
        .credentials(expired)
        .build()
        .unwrap();
    let error = session.credentials().unwrap_err();
    assert!(error.to_string().contains("ASIAOLD"), "{error}");
    assert!(error.to_string().contains("expired"), "{error}");
}

#[test]
fn credential_process_runs_again_on_refresh() {
    let home = Home::new();
    let clock = Clock::new();
    let runs = home.path().join("runs");
    // Each run appends a line to `runs` and prints credentials that expire in one hour.
    let script = home.write(
        "helper.sh",
        &format!(
            "echo run >> '{runs}'\ncount=$(wc -l < '{runs}' | tr -d ' ')\n\
             printf '{{\"Version\": 1, \"AccessKeyId\": \"ASIARUN%s\", \"SecretAccessKey\": \"s\", \
             \"SessionToken\": \"t\", \"Expiration\": \"%s\", \"AccountId\": \"210987654321\"}}' \
             \"$count\" \"$EXPIRES\"\n",
            runs = runs.display()
        ),
    );
    let expires = timestamp(3_600);
    home.write(
        ".aws/config",
        &format!(
            "[default]\ncredential_process = env EXPIRES={expires} sh {}\n",
            script.display()
        ),
    );
    let session = session(environment(&home, &clock));

    let first = session.credentials().unwrap();
    assert_eq!(first.access_key_id(), "ASIARUN1");
    assert_eq!(first.account_id(), Some("210987654321"));
    let again = session.clone().credentials().unwrap();
    assert_eq!(
        again.access_key_id(),
        "ASIARUN1",
        "a clone shares the cache"
    );

    // One hour credentials are refreshed 15 minutes before they expire.
    clock.advance(2_700);
    let refreshed = session.credentials().unwrap();
    assert_eq!(refreshed.access_key_id(), "ASIARUN2");
    assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 2);
}

#[test]
fn credential_process_failure_is_reported() {
    let home = Home::new();
    home.write(
        ".aws/config",
        "[profile tool]\ncredential_process = sh -c 'echo denied by policy >&2; exit 7'\n",
    );
    let session = AwsSession::builder()
        .environment(environment(&home, &Clock::new()))
        .profile("tool")
        .build()
        .unwrap();
    let message = session.credentials().unwrap_err().to_string();
    assert!(message.contains("exit status: 7"), "{message}");
    assert!(!message.contains("denied by policy"), "{message}");
    assert!(message.contains("was not recorded"), "{message}");
}

#[test]
fn container_token_file_is_read_on_every_refresh() {
    let home = Home::new();
    let clock = Clock::new();
    let server = FaultServer::start(vec![
        ok(metadata_document("ASIAC1", 3_600)),
        ok(metadata_document("ASIAC2", 7_200)),
    ]);
    let token_file = home.write("token", "first-token\n");
    let environment = environment(&home, &clock)
        .with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/v1/credentials", server.endpoint()),
        )
        .with_var(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_file.to_str().unwrap(),
        )
        .with_var(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "ignored-when-a-file-is-set",
        );
    let session = session(environment);

    assert_eq!(session.credentials().unwrap().access_key_id(), "ASIAC1");
    std::fs::write(&token_file, "second-token").unwrap();
    clock.advance(2_700);
    assert_eq!(session.credentials().unwrap().access_key_id(), "ASIAC2");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/v1/credentials");
    assert_eq!(requests[0].header("authorization"), Some("first-token"));
    assert_eq!(requests[1].header("authorization"), Some("second-token"));
    assert_eq!(requests[0].header("accept"), Some("application/json"));
}

#[test]
fn container_full_uri_must_be_allowed() {
    let home = Home::new();
    let environment = environment(&home, &Clock::new()).with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://192.0.2.10/credentials",
    );
    let error = session(environment).credentials().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
}

#[test]
fn instance_metadata_credentials_and_region() {
    let home = Home::new();
    let clock = Clock::new();
    let server = FaultServer::start(vec![
        ok("region-token"),
        ok("eu-central-1"),
        ok("credentials-token"),
        ok("instance-role\n"),
        ok(metadata_document("ASIAIMDS", 21_600)),
    ]);
    let environment = environment(&home, &clock)
        .with_var("AWS_EC2_METADATA_DISABLED", "false")
        .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint());
    let session = AwsSession::builder()
        .environment(environment)
        .build()
        .unwrap();
    assert_eq!(session.region(), Some("eu-central-1"));
    let credentials = session.credentials().unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAIMDS");
    assert_eq!(credentials.session_token(), Some("token-ASIAIMDS"));

    let requests = server.requests();
    let summary: Vec<(&str, &str)> = requests
        .iter()
        .map(|request| (request.method.as_str(), request.path.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/placement/region"),
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/iam/security-credentials/"),
            (
                "GET",
                "/latest/meta-data/iam/security-credentials/instance-role"
            ),
        ]
    );
    assert_eq!(
        requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(
        requests[1].header("x-aws-ec2-metadata-token"),
        Some("region-token")
    );
    assert_eq!(
        requests[4].header("x-aws-ec2-metadata-token"),
        Some("credentials-token")
    );
}

/// Returns a metadata document whose credentials expired `expired_for` seconds before
/// [`START`].
fn expired_metadata_document(key: &str, expired_for: u64) -> String {
    let expiration = time::OffsetDateTime::from_unix_timestamp((START - expired_for) as i64)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    format!(
        r#"{{"Code":"Success","AccessKeyId":"{key}","SecretAccessKey":"secret-{key}","Token":"token-{key}","Expiration":"{expiration}"}}"#
    )
}

#[test]
fn stale_instance_metadata_credentials_are_extended() {
    let home = Home::new();
    let clock = Clock::new();
    let server = FaultServer::start(vec![
        ok("token-1"),
        ok("instance-role\n"),
        ok(expired_metadata_document("ASIASTALE", 3_600)),
        ok("token-2"),
        ok("instance-role\n"),
        ok(metadata_document("ASIAFRESH", 21_600)),
    ]);
    let environment = environment(&home, &clock)
        .with_var("AWS_EC2_METADATA_DISABLED", "false")
        .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint());
    let session = AwsSession::builder()
        .environment(environment)
        .region("us-east-1")
        .build()
        .unwrap();

    let stale = session.credentials().unwrap();
    assert_eq!(stale.access_key_id(), "ASIASTALE");
    assert_eq!(
        stale.expiration().map(|at| at.unix_timestamp()),
        Some((START + 15 * 60) as i64),
        "extended to 15 minutes from now"
    );
    assert_eq!(server.request_count(), 3);

    clock.advance(60);
    assert_eq!(session.credentials().unwrap().access_key_id(), "ASIASTALE");
    assert_eq!(
        server.request_count(),
        3,
        "no fetch before the refresh point"
    );

    clock.advance(14 * 60);
    assert_eq!(session.credentials().unwrap().access_key_id(), "ASIAFRESH");
    assert_eq!(server.request_count(), 6);
}

#[test]
fn expired_container_credentials_are_rejected() {
    let home = Home::new();
    let server = FaultServer::start(vec![ok(expired_metadata_document("ASIAOLD", 60))]);
    let environment = environment(&home, &Clock::new()).with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/v1/credentials", server.endpoint()),
    );
    let message = session(environment).credentials().unwrap_err().to_string();
    assert!(message.contains("ASIAOLD"), "{message}");
    assert!(message.contains("expired at"), "{message}");
}

#[test]
fn instance_metadata_that_refuses_tokens_is_not_used() {
    let home = Home::new();
    let server = FaultServer::start(vec![Step::Respond(Response::new(403))]);
    let environment = environment(&home, &Clock::new())
        .with_var("AWS_EC2_METADATA_DISABLED", "false")
        .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint());
    let error = session(environment).credentials().unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("refused an IMDSv2 session token (HTTP 403)"),
        "{message}"
    );
    assert_eq!(server.request_count(), 1, "no IMDSv1 fallback request");
}

#[test]
fn instance_metadata_that_does_not_answer_is_skipped() {
    let home = Home::new();
    let closing = FaultServer::start(vec![Step::Close]);
    let refusing = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for endpoint in [closing.endpoint(), refusing] {
        let environment = environment(&home, &Clock::new())
            .with_var("AWS_EC2_METADATA_DISABLED", "false")
            .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint);
        let message = session(environment).credentials().unwrap_err().to_string();
        assert!(
            message.contains("no AWS credentials found"),
            "{endpoint}: {message}"
        );
        assert!(
            message.contains("instance metadata: no instance metadata service responded"),
            "{endpoint}: {message}"
        );
    }
}

/// Returns the SSO token cache file for `name`: the SHA-1 of the session name or start URL.
fn sso_cache_path(name: &str) -> String {
    use sha1::{Digest, Sha1};
    let hex: String = Sha1::digest(name.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!(".aws/sso/cache/{hex}.json")
}

const SSO_CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n\
                          sso_role_name = Developer\n\
                          [sso-session corp]\nsso_region = eu-west-1\n\
                          sso_start_url = https://corp.awsapps.com/start\n";

fn role_credentials(key: &str, expires_after: u64) -> String {
    format!(
        r#"{{"roleCredentials":{{"accessKeyId":"{key}","secretAccessKey":"s","sessionToken":"t","expiration":{}}}}}"#,
        (START + expires_after) * 1000
    )
}

fn sso_session(
    home: &Home,
    clock: &Clock,
    portal: &FaultServer,
    oidc: Option<&FaultServer>,
) -> AwsSession {
    let mut environment = environment(home, clock)
        .with_var("AWS_PROFILE", "dev")
        .with_var("AWS_ENDPOINT_URL_SSO", portal.endpoint());
    if let Some(oidc) = oidc {
        environment = environment.with_var("AWS_ENDPOINT_URL_SSO_OIDC", oidc.endpoint());
    }
    session(environment)
}

#[test]
fn sso_session_credentials_from_the_token_cache() {
    let home = Home::new();
    let clock = Clock::new();
    home.write(".aws/config", SSO_CONFIG);
    home.write(
        &sso_cache_path("corp"),
        &format!(
            r#"{{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"cached-token","expiresAt":"{}"}}"#,
            timestamp(28_800)
        ),
    );
    let portal = FaultServer::start(vec![ok(role_credentials("ASIASSO", 3_600))]);
    let credentials = sso_session(&home, &clock, &portal, None)
        .credentials()
        .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIASSO");
    assert_eq!(credentials.account_id(), Some("111122223333"));
    assert_eq!(
        credentials.expiration().map(|e| e.unix_timestamp()),
        Some((START + 3_600) as i64)
    );

    let request = &portal.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        "/federation/credentials?role_name=Developer&account_id=111122223333"
    );
    assert_eq!(
        request.header("x-amz-sso_bearer_token"),
        Some("cached-token")
    );
}

#[test]
fn sso_token_is_refreshed_and_written_back() {
    let home = Home::new();
    let clock = Clock::new();
    home.write(".aws/config", SSO_CONFIG);
    let cache = home.write(
        &sso_cache_path("corp"),
        &format!(
            r#"{{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"old-token","expiresAt":"{}","refreshToken":"refresh-1","clientId":"client","clientSecret":"client-secret","registrationExpiresAt":"{}"}}"#,
            timestamp(60),
            timestamp(86_400)
        ),
    );
    let oidc = FaultServer::start(vec![ok(
        r#"{"accessToken":"new-token","expiresIn":28800,"refreshToken":"refresh-2","tokenType":"Bearer"}"#,
    )]);
    let portal = FaultServer::start(vec![ok(role_credentials("ASIAREFRESHED", 3_600))]);
    let credentials = sso_session(&home, &clock, &portal, Some(&oidc))
        .credentials()
        .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAREFRESHED");

    let create_token = &oidc.requests()[0];
    assert_eq!(create_token.method, "POST");
    assert_eq!(create_token.path, "/token");
    let body: serde_json::Value = serde_json::from_slice(&create_token.body).unwrap();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], "refresh-1");
    assert_eq!(body["clientId"], "client");
    assert_eq!(
        portal.requests()[0].header("x-amz-sso_bearer_token"),
        Some("new-token")
    );

    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cache).unwrap()).unwrap();
    assert_eq!(written["accessToken"], "new-token");
    assert_eq!(written["refreshToken"], "refresh-2");
    assert_eq!(written["expiresAt"], timestamp(28_800).as_str());
    assert_eq!(written["clientSecret"], "client-secret");
}

#[cfg(unix)]
#[test]
fn sso_cache_is_written_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let home = Home::new();
    let clock = Clock::new();
    home.write(".aws/config", SSO_CONFIG);
    let cache = home.write(
        &sso_cache_path("corp"),
        &format!(
            r#"{{"accessToken":"old-token","expiresAt":"{}","refreshToken":"refresh-1","clientId":"client","clientSecret":"client-secret","registrationExpiresAt":"{}"}}"#,
            timestamp(60),
            timestamp(86_400)
        ),
    );
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o644)).unwrap();
    let oidc = FaultServer::start(vec![ok(
        r#"{"accessToken":"new-token","expiresIn":28800,"tokenType":"Bearer"}"#,
    )]);
    let portal = FaultServer::start(vec![ok(role_credentials("ASIAREFRESHED", 3_600))]);

    sso_session(&home, &clock, &portal, Some(&oidc))
        .credentials()
        .unwrap();

    let written = std::fs::read_to_string(&cache).unwrap();
    assert!(written.contains("new-token"), "the cache was not rewritten");
    let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    let leftovers: Vec<_> = std::fs::read_dir(cache.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name != cache.file_name().unwrap())
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn sso_refresh_rejects_invalid_expires_in() {
    for expires_in in ["0", "-5", "9223372036854775807", "-9223372036854775808"] {
        let home = Home::new();
        let clock = Clock::new();
        home.write(".aws/config", SSO_CONFIG);
        let original = format!(
            r#"{{"accessToken":"old-token","expiresAt":"{}","refreshToken":"refresh-1","clientId":"client","clientSecret":"client-secret","registrationExpiresAt":"{}"}}"#,
            timestamp(60),
            timestamp(86_400)
        );
        let cache = home.write(&sso_cache_path("corp"), &original);
        let oidc = FaultServer::start(vec![ok(format!(
            r#"{{"accessToken":"new-token","expiresIn":{expires_in},"tokenType":"Bearer"}}"#
        ))]);
        let portal = FaultServer::start(vec![ok(role_credentials("ASIAOLDTOKEN", 3_600))]);

        let credentials = sso_session(&home, &clock, &portal, Some(&oidc))
            .credentials()
            .unwrap();

        assert_eq!(credentials.access_key_id(), "ASIAOLDTOKEN", "{expires_in}");
        assert_eq!(oidc.request_count(), 1, "{expires_in}");
        assert_eq!(
            portal.requests()[0].header("x-amz-sso_bearer_token"),
            Some("old-token"),
            "expiresIn {expires_in}"
        );
        let written = std::fs::read_to_string(cache).unwrap();
        assert_eq!(written, original, "expiresIn {expires_in}");
    }
}

#[test]
fn sso_refresh_rejects_empty_access_token() {
    let home = Home::new();
    let clock = Clock::new();
    home.write(".aws/config", SSO_CONFIG);
    let original = format!(
        r#"{{"accessToken":"old-token","expiresAt":"{}","refreshToken":"refresh-1","clientId":"client","clientSecret":"client-secret","registrationExpiresAt":"{}"}}"#,
        timestamp(60),
        timestamp(86_400)
    );
    let cache = home.write(&sso_cache_path("corp"), &original);
    let oidc = FaultServer::start(vec![ok(
        r#"{"accessToken":"","expiresIn":28800,"tokenType":"Bearer"}"#,
    )]);
    let portal = FaultServer::start(vec![ok(role_credentials("ASIAOLDTOKEN", 3_600))]);

    let credentials = sso_session(&home, &clock, &portal, Some(&oidc))
        .credentials()
        .unwrap();

    assert_eq!(credentials.access_key_id(), "ASIAOLDTOKEN");
    assert_eq!(
        portal.requests()[0].header("x-amz-sso_bearer_token"),
        Some("old-token")
    );
    assert_eq!(std::fs::read_to_string(cache).unwrap(), original);
}

#[test]
fn sso_role_credentials_with_empty_fields() {
    let cases = [
        (
            r#""accessKeyId":"","secretAccessKey":"s","sessionToken":"t""#,
            "accessKeyId",
        ),
        (
            r#""accessKeyId":"A","secretAccessKey":"","sessionToken":"t""#,
            "secretAccessKey",
        ),
        (
            r#""accessKeyId":"A","secretAccessKey":"s","sessionToken":"""#,
            "sessionToken",
        ),
    ];
    for (fields, missing) in cases {
        let home = Home::new();
        let clock = Clock::new();
        home.write(".aws/config", SSO_CONFIG);
        home.write(
            &sso_cache_path("corp"),
            &format!(
                r#"{{"accessToken":"cached-token","expiresAt":"{}"}}"#,
                timestamp(28_800)
            ),
        );
        let body = format!(
            r#"{{"roleCredentials":{{{fields},"expiration":{}}}}}"#,
            (START + 3_600) * 1000
        );
        let portal = FaultServer::start(vec![ok(body)]);

        let message = sso_session(&home, &clock, &portal, None)
            .credentials()
            .unwrap_err()
            .to_string();

        assert!(
            message.contains(&format!("{missing} is missing")),
            "{missing}: {message}"
        );
    }
}

#[test]
fn expired_legacy_sso_token_needs_login() {
    let home = Home::new();
    let clock = Clock::new();
    home.write(
        ".aws/config",
        "[profile dev]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\n\
         sso_account_id = 111122223333\nsso_role_name = Developer\n",
    );
    home.write(
        &sso_cache_path("https://legacy.awsapps.com/start"),
        r#"{"accessToken":"stale","expiresAt":"2029-12-31T00:00:00Z"}"#,
    );
    let portal = FaultServer::start(vec![ok(role_credentials("UNUSED", 3_600))]);
    let message = sso_session(&home, &clock, &portal, None)
        .credentials()
        .unwrap_err()
        .to_string();
    assert!(message.contains("aws sso login --profile dev"), "{message}");
    assert_eq!(portal.request_count(), 0);
}

#[test]
fn source_profile_cycle_names_the_path() {
    let home = Home::new();
    home.write(
        ".aws/config",
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = c\n\
         [profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = a\n",
    );
    let session = AwsSession::builder()
        .environment(environment(&home, &Clock::new()))
        .profile("a")
        .build()
        .unwrap();
    let error = session.credentials().unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains("a -> b -> c -> a"), "{error}");
}

/// Returns an AssumeRole or AssumeRoleWithWebIdentity response body.
fn role_response(operation: &str, key: &str, expires_after: u64) -> String {
    format!(
        "<{operation}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{operation}Result>\
         <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
         <Arn>arn:aws:sts::444455556666:assumed-role/r/s</Arn></AssumedRoleUser>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
         <SessionToken>t</SessionToken><Expiration>{}</Expiration></Credentials>\
         </{operation}Result></{operation}Response>",
        timestamp(expires_after)
    )
}

/// Decodes the form body of a recorded request into its parameters.
fn form(body: &[u8]) -> std::collections::BTreeMap<String, String> {
    let text = String::from_utf8_lossy(body).replace('+', " ");
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| {
            let mut decoded = Vec::new();
            let bytes = value.as_bytes();
            let mut index = 0;
            while index < bytes.len() {
                if bytes[index] == b'%' && index + 2 < bytes.len() {
                    let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
                    decoded.push(u8::from_str_radix(hex, 16).unwrap());
                    index += 3;
                } else {
                    decoded.push(bytes[index]);
                    index += 1;
                }
            }
            (name.to_string(), String::from_utf8(decoded).unwrap())
        })
        .collect()
}

#[test]
fn web_identity_token_reread_on_refresh() {
    let home = Home::new();
    let clock = Clock::new();
    let sts = FaultServer::start(vec![
        ok(role_response(
            "AssumeRoleWithWebIdentity",
            "ASIAWEB1",
            3_600,
        )),
        ok(role_response(
            "AssumeRoleWithWebIdentity",
            "ASIAWEB2",
            7_200,
        )),
    ]);
    let token_file = home.write("token.jwt", "first.token.value\n");
    let environment = environment(&home, &clock)
        .with_var("AWS_ENDPOINT_URL_STS", sts.endpoint())
        .with_var("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap())
        .with_var("AWS_ROLE_ARN", "arn:aws:iam::444455556666:role/web")
        .with_var("AWS_ROLE_SESSION_NAME", "pod");
    let session = session(environment);

    let first = session.credentials().unwrap();
    assert_eq!(first.access_key_id(), "ASIAWEB1");
    assert_eq!(first.account_id(), Some("444455556666"));
    std::fs::write(&token_file, "second.token.value").unwrap();
    clock.advance(2_700);
    assert_eq!(session.credentials().unwrap().access_key_id(), "ASIAWEB2");

    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    for (request, token) in requests
        .iter()
        .zip(["first.token.value", "second.token.value"])
    {
        let parameters = form(&request.body);
        assert_eq!(parameters["Action"], "AssumeRoleWithWebIdentity");
        assert_eq!(parameters["WebIdentityToken"], token);
        assert_eq!(parameters["RoleSessionName"], "pod");
        assert_eq!(
            request.header("authorization"),
            None,
            "the call is unsigned"
        );
    }
}

#[test]
fn profile_role_settings_reach_assume_role() {
    let home = Home::new();
    let clock = Clock::new();
    let sts = FaultServer::start(vec![
        ok(role_response("AssumeRole", "ASIAROLE1", 3_600)),
        ok(role_response("AssumeRole", "ASIAROLE2", 7_200)),
    ]);
    home.write(
        ".aws/config",
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n\
         [profile admin]\nrole_arn = arn:aws:iam::444455556666:role/admin\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::111122223333:mfa/alice\nexternal_id = partner-42\n\
         duration_seconds = 3600\nsource_identity = alice\nrole_session_name = alice-admin\n",
    );
    let codes = Arc::new(AtomicU64::new(0));
    let session = AwsSession::builder()
        .environment(environment(&home, &clock).with_var("AWS_ENDPOINT_URL_STS", sts.endpoint()))
        .region("eu-west-1")
        .profile("admin")
        .mfa_token_provider({
            let codes = Arc::clone(&codes);
            move |_serial: &str| {
                Ok(format!(
                    "{:06}\n",
                    100_000 + codes.fetch_add(1, Ordering::SeqCst)
                ))
            }
        })
        .build()
        .unwrap();

    assert_eq!(session.credentials().unwrap().access_key_id(), "ASIAROLE1");
    clock.advance(2_700);
    assert_eq!(session.credentials().unwrap().access_key_id(), "ASIAROLE2");

    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    for (request, code) in requests.iter().zip(["100000", "100001"]) {
        let parameters = form(&request.body);
        assert_eq!(parameters["Action"], "AssumeRole");
        assert_eq!(
            parameters["RoleArn"],
            "arn:aws:iam::444455556666:role/admin"
        );
        assert_eq!(parameters["RoleSessionName"], "alice-admin");
        assert_eq!(
            parameters["SerialNumber"],
            "arn:aws:iam::111122223333:mfa/alice"
        );
        assert_eq!(parameters["TokenCode"], code);
        assert_eq!(parameters["ExternalId"], "partner-42");
        assert_eq!(parameters["DurationSeconds"], "3600");
        assert_eq!(parameters["SourceIdentity"], "alice");
        let authorization = request.header("authorization").unwrap();
        assert!(
            authorization.contains("Credential=AKIDBASE/20300101/eu-west-1/sts/aws4_request"),
            "{authorization}"
        );
    }
}

#[test]
fn region_precedence() {
    let home = Home::new();
    let clock = Clock::new();
    home.write(".aws/config", "[default]\nregion = ap-southeast-2\n");
    let build = |environment: Environment| {
        AwsSession::builder()
            .environment(environment)
            .build()
            .unwrap()
            .region()
            .map(str::to_string)
    };
    let base = environment(&home, &clock);
    assert_eq!(build(base.clone()).as_deref(), Some("ap-southeast-2"));

    let with_default = base.clone().with_var("AWS_DEFAULT_REGION", "eu-north-1");
    assert_eq!(build(with_default.clone()).as_deref(), Some("eu-north-1"));

    let with_region = with_default.with_var("AWS_REGION", "sa-east-1");
    assert_eq!(build(with_region.clone()).as_deref(), Some("sa-east-1"));

    let explicit = AwsSession::builder()
        .environment(with_region)
        .region("us-west-2")
        .build()
        .unwrap();
    assert_eq!(explicit.region(), Some("us-west-2"));
}
