//! `sts ... --output credential-process` as the `credential_process` of a profile, read by the
//! AWS CLI and by this crate's own session chain, against the local moto STS.

mod cli_support;
mod support;

use std::path::PathBuf;

use aws_sts_blocking::{AwsSession, Environment, GetCallerIdentityRequest, StsClient};
use cli_support::{Run, TempDir};
use support::moto::{self, MotoServer};

const PROFILE: &str = "sts-role";
const SESSION_NAME: &str = "from-process";

/// Writes a config file whose profile [`PROFILE`] runs `sts assume-role` as its
/// `credential_process`, and returns its path.
///
/// The command clears its environment with `env -i`, so the `sts` child gets alice's key and
/// nothing from the test process or the developer's machine.
fn write_config(server: &MotoServer, home: &TempDir) -> PathBuf {
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME={home} AWS_EC2_METADATA_DISABLED=true \
         AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY={secret} \
         {sts} assume-role --role-arn {role} --role-session-name {SESSION_NAME} \
         --endpoint-url {endpoint} --output credential-process",
        home = home.path().display(),
        key = server.access_key_id(),
        secret = server.secret_access_key(),
        sts = env!("CARGO_BIN_EXE_sts"),
        role = server.role_arn(moto::TRUSTED_ROLE),
        endpoint = server.endpoint(),
    );
    home.write(
        "config",
        &format!("[profile {PROFILE}]\ncredential_process = {command}\n"),
    )
}

fn expected_arn(server: &MotoServer) -> String {
    format!(
        "arn:aws:sts::{}:assumed-role/{}/{SESSION_NAME}",
        server.account_id(),
        moto::TRUSTED_ROLE
    )
}

#[test]
fn aws_cli_reads_sts_as_credential_process() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let config = write_config(server, &home);

    // The harness's command carries dummy keys in the environment, which would win over
    // the profile, so they are removed.
    let run: Run = moto::python_command()
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", &config)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            "-m",
            "awscli",
            "sts",
            "get-caller-identity",
            "--profile",
            PROFILE,
        ])
        .args(["--endpoint-url", &server.endpoint(), "--output", "json"])
        .output()
        .expect("failed to run awscli")
        .into();
    assert_eq!(run.status, 0, "{run:?}");
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(document["Arn"], expected_arn(server));
}

#[test]
fn session_chain_reads_sts_as_credential_process() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let config = write_config(server, &home);

    let environment = Environment::empty()
        .with_home_dir(home.path())
        .with_var("AWS_CONFIG_FILE", config.display().to_string())
        .with_var("AWS_EC2_METADATA_DISABLED", "true");
    let session = AwsSession::builder()
        .environment(environment)
        .profile(PROFILE)
        .endpoint_url(server.endpoint())
        .build()
        .unwrap();

    let credentials = session.credentials().unwrap();
    assert!(
        credentials.access_key_id().starts_with("ASIA"),
        "{credentials:?}"
    );
    assert!(credentials.session_token().is_some());
    assert!(credentials.expiration().is_some());
    assert_eq!(credentials.account_id(), Some(server.account_id()));

    let client = StsClient::new(None, None, Some(session)).unwrap();
    let identity = client
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .unwrap();
    assert_eq!(identity.arn(), Some(expected_arn(server).as_str()));
}
