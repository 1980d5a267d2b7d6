//! Calls GetCallerIdentity N times through aws-sdk-sts on a current-thread tokio runtime and
//! prints the account.
//!
//! Usage: `sts-bench-sdk [N]` (default 1). Configuration is loaded with aws-config's default
//! chain, which finds the static credentials in `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY` and the region in `AWS_REGION`. The endpoint is read from
//! `AWS_ENDPOINT_URL_STS` and passed explicitly; it must be on 127.0.0.1 so a benchmark never
//! reaches AWS.

use std::process::ExitCode;

use aws_config::BehaviorVersion;

fn main() -> ExitCode {
    let Some(calls) = call_count() else {
        eprintln!("usage: sts-bench-sdk [N], where N is a number of calls from 1 up");
        return ExitCode::from(2);
    };
    let Some(endpoint) = local_endpoint() else {
        eprintln!("AWS_ENDPOINT_URL_STS must be set to an http://127.0.0.1 URL");
        return ExitCode::from(2);
    };

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("failed to start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(calls, endpoint)) {
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

async fn run(calls: u32, endpoint: String) -> Result<String, Box<dyn std::error::Error>> {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = aws_sdk_sts::Client::new(&config);
    let mut account = String::new();
    for _ in 0..calls {
        let output = client.get_caller_identity().send().await?;
        account = output.account().unwrap_or_default().to_string();
    }
    Ok(account)
}

fn call_count() -> Option<u32> {
    match std::env::args().nth(1) {
        None => Some(1),
        Some(text) => text.parse().ok().filter(|&calls| calls >= 1),
    }
}

fn local_endpoint() -> Option<String> {
    std::env::var("AWS_ENDPOINT_URL_STS")
        .ok()
        .filter(|url| url.starts_with("http://127.0.0.1:"))
}
