//! Describes the caller and assumes a role against a local STS, with no AWS account.
//!
//! The local STS is moto's server, started on 127.0.0.1 by the same code the integration tests
//! use. It verifies every SigV4 signature and enforces IAM policies and role trust, so what
//! works here is signed exactly as AWS expects. The first run creates a Python virtual
//! environment with moto under `target/`, which takes about a minute.
//!
//! Run it with `cargo run --example quickstart`.

#[allow(dead_code)]
#[path = "../tests/support/moto.rs"]
mod moto;

use std::time::Duration;

use aws_sts_blocking::{AwsSession, Credentials, Environment, Error, StsClient};

fn main() {
    if let Err(error) = run() {
        eprintln!("quickstart failed: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    eprintln!("starting the local STS (moto) on 127.0.0.1...");
    let server = moto::MotoServer::start_verifying();
    println!("local STS:       {}", server.endpoint());

    // A session that reads nothing from this machine's environment or ~/.aws: the seeded
    // user's key, a region and the local endpoint are all given here.
    let session = AwsSession::builder()
        .environment(Environment::empty())
        .credentials(Credentials::new(
            server.access_key_id(),
            server.secret_access_key(),
            None,
            None,
        ))
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .build()?;
    let mut client = StsClient::new(None, None, Some(session.clone()))?;

    let identity = client.describe_caller()?;
    println!("account:         {}", identity.account());
    println!("caller ARN:      {}", identity.arn());
    println!("user id:         {}", identity.user_id());
    println!(
        "account again:   {} (from the cache, no request)",
        client.get_account_id()?
    );

    let role_arn = server.role_arn(moto::TRUSTED_ROLE);
    let credentials =
        client.get_cred_from_assume_role(&role_arn, "quickstart", Duration::from_secs(900))?;
    println!("assumed role:    {role_arn}");
    println!("temporary key:   {}", credentials.access_key_id());
    println!("expires:         {:?}", credentials.expiration());
    println!("credentials:     {credentials:?}");

    let role_session = AwsSession::builder()
        .environment(Environment::empty())
        .credentials(credentials)
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .build()?;
    let mut role_client = StsClient::new(None, None, Some(role_session))?;
    println!("role caller ARN: {}", role_client.describe_caller()?.arn());

    let untrusted = server.role_arn(moto::UNTRUSTED_ROLE);
    match client.get_cred_from_assume_role(&untrusted, "quickstart", Duration::from_secs(900)) {
        Ok(_) => println!("unexpected: the untrusted role was assumed"),
        Err(error) => println!("untrusted role:  {error}"),
    }
    Ok(())
}
