//! Sends one unsigned GetCallerIdentity POST with ureq and rustls and prints the status.
//!
//! It is not an STS client: it measures the size and build time of the HTTP and TLS stack
//! that aws-sts-blocking is built on, which a client on that stack cannot go much below.
//!
//! Usage: `sts-bench-floor`, with `AWS_ENDPOINT_URL_STS` set to an `http://127.0.0.1` URL.

use std::process::ExitCode;

fn main() -> ExitCode {
    let endpoint = match std::env::var("AWS_ENDPOINT_URL_STS") {
        Ok(url) if url.starts_with("http://127.0.0.1:") => url,
        _ => {
            eprintln!("AWS_ENDPOINT_URL_STS must be set to an http://127.0.0.1 URL");
            return ExitCode::from(2);
        }
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    match agent
        .post(&endpoint)
        .content_type("application/x-www-form-urlencoded; charset=utf-8")
        .send("Action=GetCallerIdentity&Version=2011-06-15")
    {
        Ok(response) => {
            println!("{}", response.status());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("request failed: {error}");
            ExitCode::FAILURE
        }
    }
}
