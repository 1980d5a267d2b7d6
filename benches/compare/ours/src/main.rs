//! Calls GetCallerIdentity N times through aws-sts-blocking and prints the account.
//!
//! Usage: `sts-bench-ours [N]` (default 1). Credentials, region and endpoint come from the
//! environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL_STS`); the endpoint must be on 127.0.0.1 so a benchmark never reaches AWS.

use std::process::ExitCode;

use aws_sts_blocking::StsClient;

fn main() -> ExitCode {
    let Some(calls) = call_count() else {
        eprintln!("usage: sts-bench-ours [N], where N is a number of calls from 1 up");
        return ExitCode::from(2);
    };
    if !endpoint_is_local() {
        eprintln!("AWS_ENDPOINT_URL_STS must be set to an http://127.0.0.1 URL");
        return ExitCode::from(2);
    }

    match run(calls) {
        Ok(account) => {
            println!("{account}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("GetCallerIdentity failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(calls: u32) -> Result<String, aws_sts_blocking::Error> {
    let mut client = StsClient::new(None, None, None)?;
    let mut account = String::new();
    for _ in 0..calls {
        account = client.describe_caller()?.account().to_string();
    }
    Ok(account)
}

fn call_count() -> Option<u32> {
    match std::env::args().nth(1) {
        None => Some(1),
        Some(text) => text.parse().ok().filter(|&calls| calls >= 1),
    }
}

fn endpoint_is_local() -> bool {
    std::env::var("AWS_ENDPOINT_URL_STS").is_ok_and(|url| url.starts_with("http://127.0.0.1:"))
}
