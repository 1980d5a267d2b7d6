//! Role chains and web identity from the shared files and the environment, against the local
//! moto STS. Sessions use `Environment::empty()` with a temporary home directory, point STS
//! at moto with `AWS_ENDPOINT_URL_STS`, and turn instance metadata off.

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

use aws_sts_blocking::{AwsSession, Environment, Error, StsClient};
use support::moto::{
    MotoServer, EXTERNAL_ID, EXTERNAL_ID_ROLE, REGION, TRUSTED_ROLE, UNTRUSTED_ROLE, WEB_ROLE,
};

/// A temporary home directory with a config file, deleted when dropped.
struct Home {
    path: PathBuf,
}

impl Home {
    fn with_config(config: &str) -> Home {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "aws-sts-blocking-moto-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(path.join(".aws")).unwrap();
        std::fs::write(path.join(".aws/config"), config).unwrap();
        Home { path }
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The real clock moved forward by a number of seconds that tests set.
#[derive(Clone, Default)]
struct ShiftedClock(Arc<AtomicU64>);

impl ShiftedClock {
    fn shift(&self, seconds: u64) {
        self.0.store(seconds, Ordering::SeqCst);
    }

    fn now(&self) -> SystemTime {
        SystemTime::now() + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
}

/// Returns the `[profile base]` section with alice's static keys.
fn base_profile(server: &MotoServer) -> String {
    format!(
        "[profile base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        server.access_key_id(),
        server.secret_access_key()
    )
}

fn environment(server: &MotoServer, home: &Home, clock: &ShiftedClock) -> Environment {
    let clock = clock.clone();
    Environment::empty()
        .with_var("AWS_EC2_METADATA_DISABLED", "true")
        .with_var("AWS_ENDPOINT_URL_STS", server.endpoint())
        .with_var("AWS_REGION", REGION)
        .with_home_dir(&home.path)
        .with_clock(move || clock.now())
}

fn session(server: &MotoServer, home: &Home, profile: &str) -> AwsSession {
    AwsSession::builder()
        .environment(environment(server, home, &ShiftedClock::default()))
        .profile(profile)
        .build()
        .unwrap()
}

/// Describes the caller signed with `session`'s credentials.
fn caller_arn(session: AwsSession) -> String {
    let mut client = StsClient::new(None, None, Some(session)).unwrap();
    client.describe_caller().unwrap().arn().to_string()
}

#[test]
fn role_chain_through_two_profiles() {
    let server = MotoServer::shared_verifying();
    // moto checks trust policies by caller ARN, and trusted-role trusts alice but not a role
    // session. moto lets any caller assume a role that does not exist, so the second hop does.
    let first = server.role_arn(TRUSTED_ROLE);
    let second = server.role_arn("chain-target");
    let home = Home::with_config(&format!(
        "{}[profile first]\nrole_arn = {first}\nsource_profile = base\nrole_session_name = first-hop\n\
         [profile second]\nrole_arn = {second}\nsource_profile = first\nrole_session_name = second-hop\n\
         duration_seconds = 900\n",
        base_profile(server)
    ));
    let session = session(server, &home, "second");
    let credentials = session.credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert_eq!(credentials.account_id(), Some(server.account_id()));

    let lifetime = SystemTime::from(credentials.expiration().unwrap())
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(lifetime <= Duration::from_secs(900), "{lifetime:?}");
    assert!(lifetime > Duration::from_secs(800), "{lifetime:?}");

    let arn = caller_arn(session);
    assert!(
        arn.ends_with("assumed-role/chain-target/second-hop"),
        "{arn}"
    );
}

#[test]
fn credential_source_environment_with_a_builder_profile() {
    let server = MotoServer::shared_verifying();
    let home = Home::with_config(&format!(
        "[profile ci]\nrole_arn = {}\ncredential_source = Environment\n",
        server.role_arn(TRUSTED_ROLE)
    ));
    let environment = environment(server, &home, &ShiftedClock::default())
        .with_var("AWS_ACCESS_KEY_ID", server.access_key_id())
        .with_var("AWS_SECRET_ACCESS_KEY", server.secret_access_key());

    // Selected on the builder, the profile assumes its role with the environment keys.
    let session = AwsSession::builder()
        .environment(environment.clone())
        .profile("ci")
        .build()
        .unwrap();
    let credentials = session.credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert_ne!(credentials.access_key_id(), server.access_key_id());

    // Selected by AWS_PROFILE, it comes after the environment keys, which win.
    let session = AwsSession::builder()
        .environment(environment.with_var("AWS_PROFILE", "ci"))
        .build()
        .unwrap();
    assert_eq!(
        session.credentials().unwrap().access_key_id(),
        server.access_key_id()
    );
}

#[test]
fn environment_keys_win_over_the_default_profile() {
    let server = MotoServer::shared_verifying();
    let home = Home::with_config(&format!(
        "{}[default]\nrole_arn = {}\nsource_profile = base\n",
        base_profile(server),
        server.role_arn(TRUSTED_ROLE)
    ));
    let environment = environment(server, &home, &ShiftedClock::default())
        .with_var("AWS_ACCESS_KEY_ID", server.access_key_id())
        .with_var("AWS_SECRET_ACCESS_KEY", server.secret_access_key());
    let session = AwsSession::builder()
        .environment(environment)
        .build()
        .unwrap();
    assert_eq!(
        session.credentials().unwrap().access_key_id(),
        server.access_key_id()
    );
}

#[test]
fn external_id_from_the_profile() {
    let server = MotoServer::shared_verifying();
    let role = server.role_arn(EXTERNAL_ID_ROLE);
    let home = Home::with_config(&format!(
        "{}[profile right]\nrole_arn = {role}\nsource_profile = base\nexternal_id = {EXTERNAL_ID}\n\
         [profile wrong]\nrole_arn = {role}\nsource_profile = base\nexternal_id = not-the-id\n",
        base_profile(server)
    ));
    let credentials = session(server, &home, "right").credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));

    let error = session(server, &home, "wrong").credentials().unwrap_err();
    assert_eq!(error.code(), Some("AccessDenied"), "{error:?}");
}

#[test]
fn untrusted_role_keeps_the_sts_error() {
    let server = MotoServer::shared_verifying();
    let role = server.role_arn(UNTRUSTED_ROLE);
    let home = Home::with_config(&format!(
        "{}[profile denied]\nrole_arn = {role}\nsource_profile = base\n",
        base_profile(server)
    ));
    let error = session(server, &home, "denied").credentials().unwrap_err();
    assert!(matches!(error, Error::Credentials { .. }), "{error:?}");
    assert_eq!(error.code(), Some("AccessDenied"));
    assert_eq!(error.status(), Some(403));
    assert!(error.to_string().contains(&role), "{error}");
    assert!(error.to_string().contains("profile `denied`"), "{error}");
}

/// Starts `threads` threads that call `credentials()` on clones of `session` at once, and
/// returns how many succeeded.
fn call_at_once(session: &AwsSession, threads: usize) -> usize {
    let barrier = Arc::new(Barrier::new(threads));
    let succeeded = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let session = session.clone();
            let barrier = Arc::clone(&barrier);
            let succeeded = Arc::clone(&succeeded);
            std::thread::spawn(move || {
                barrier.wait();
                if session.credentials().is_ok() {
                    succeeded.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    succeeded.load(Ordering::SeqCst)
}

#[test]
fn threads_share_one_sts_call_per_refresh() {
    // An own server, because the test counts the requests it receives.
    let server = MotoServer::start_verifying();
    let home = Home::with_config(&format!(
        "{}[profile role]\nrole_arn = {}\nsource_profile = base\nduration_seconds = 900\n",
        base_profile(&server),
        server.role_arn(TRUSTED_ROLE)
    ));
    let clock = ShiftedClock::default();
    let session = AwsSession::builder()
        .environment(environment(&server, &home, &clock))
        .profile("role")
        .build()
        .unwrap();
    let threads = 16;

    // No credentials yet: every thread waits for the one first load.
    let before = server.request_count();
    assert_eq!(call_at_once(&session, threads), threads);
    assert_eq!(server.request_count() - before, 1, "first load");

    // Still valid: no call.
    assert_eq!(call_at_once(&session, threads), threads);
    assert_eq!(server.request_count() - before, 1, "while fresh");

    // 700 s into 900 s credentials, past the refresh point at 675 s: one refresh.
    clock.shift(700);
    assert_eq!(call_at_once(&session, threads), threads);
    assert_eq!(server.request_count() - before, 2, "one refresh");
}

#[test]
fn web_identity_from_the_environment_and_the_profile() {
    // moto's open server takes any token, so only the call's shape is checked here; the
    // request bodies are compared in the conformance scenarios.
    let server = MotoServer::shared_open();
    let home = Home::with_config(&format!(
        "[profile web]\nrole_arn = {}\nweb_identity_token_file = {{TOKEN}}\n\
         role_session_name = from-profile\n",
        server.role_arn(WEB_ROLE)
    ));
    let token_file = home.path.join("token.jwt");
    std::fs::write(&token_file, "header.payload.signature\n").unwrap();
    let config = home.path.join(".aws/config");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("{TOKEN}", token_file.to_str().unwrap()),
    )
    .unwrap();

    let from_profile = session(server, &home, "web").credentials().unwrap();
    assert!(from_profile.access_key_id().starts_with("ASIA"));
    assert_eq!(from_profile.account_id(), Some(server.account_id()));

    let environment = environment(server, &home, &ShiftedClock::default())
        .with_var("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap())
        .with_var("AWS_ROLE_ARN", server.role_arn(WEB_ROLE))
        .with_var("AWS_ROLE_SESSION_NAME", "from-environment")
        .with_var("AWS_PROFILE", "missing");
    let session = AwsSession::builder()
        .environment(environment)
        .build()
        .unwrap();
    let from_environment = session.credentials().unwrap();
    assert!(from_environment.access_key_id().starts_with("ASIA"));
}

#[test]
fn mfa_callback_is_asked_on_every_refresh() {
    let server = MotoServer::shared_verifying();
    let serial = format!("arn:aws:iam::{}:mfa/alice", server.account_id());
    let home = Home::with_config(&format!(
        "{}[profile mfa]\nrole_arn = {}\nsource_profile = base\nmfa_serial = {serial}\n\
         duration_seconds = 900\n",
        base_profile(server),
        server.role_arn(TRUSTED_ROLE)
    ));
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let clock = ShiftedClock::default();
    let session = AwsSession::builder()
        .environment(environment(server, &home, &clock))
        .profile("mfa")
        .mfa_token_provider({
            let asked = Arc::clone(&asked);
            move |serial: &str| {
                let mut asked = asked.lock().unwrap();
                asked.push(serial.to_string());
                Ok(format!("{:06}", 123_456 + asked.len()))
            }
        })
        .build()
        .unwrap();

    session.credentials().unwrap();
    session.credentials().unwrap();
    clock.shift(700);
    session.credentials().unwrap();
    assert_eq!(*asked.lock().unwrap(), vec![serial.clone(), serial]);
}

#[test]
fn mfa_serial_without_a_callback_is_explained() {
    let server = MotoServer::shared_verifying();
    let home = Home::with_config(&format!(
        "{}[profile mfa]\nrole_arn = {}\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/x\n",
        base_profile(server),
        server.role_arn(TRUSTED_ROLE)
    ));
    let message = session(server, &home, "mfa")
        .credentials()
        .unwrap_err()
        .to_string();
    assert!(message.contains("mfa_token_provider"), "{message}");
}
