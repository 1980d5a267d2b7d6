//! The endpoint and signing region that each configuration source produces, and the
//! configured-endpoint-URL conformance cases applied to STS.

use std::fs;
use std::path::PathBuf;

use aws_sts_blocking::{
    AwsSession, AwsSessionBuilder, Environment, Error, StsClient, StsRegionalEndpoints,
};

/// A temporary home directory with the given `~/.aws/config`, removed on drop.
struct Home(PathBuf);

impl Home {
    fn with_config(config: &str) -> Home {
        let unique = format!(
            "aws-sts-blocking-endpoint-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let home = std::env::temp_dir().join(unique);
        fs::create_dir_all(home.join(".aws")).unwrap();
        fs::write(home.join(".aws/config"), config).unwrap();
        Home(home)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn base_environment() -> Environment {
    Environment::empty().with_var("AWS_EC2_METADATA_DISABLED", "true")
}

/// Returns the endpoint and signing region of a client built from `builder`.
fn target(builder: AwsSessionBuilder) -> Result<(String, String), Error> {
    let client = StsClient::new(None, None, Some(builder.build()?))?;
    Ok((
        client.endpoint().to_string(),
        client.signing_region().to_string(),
    ))
}

fn expect(builder: AwsSessionBuilder, url: &str, signing_region: &str) {
    let (actual_url, actual_region) = target(builder).expect("endpoint resolves");
    assert_eq!(actual_url, url);
    assert_eq!(actual_region, signing_region);
}

#[test]
fn no_region_uses_global_endpoint() {
    expect(
        AwsSession::builder().environment(base_environment()),
        "https://sts.amazonaws.com",
        "us-east-1",
    );
}

#[test]
fn builder_region() {
    expect(
        AwsSession::builder()
            .environment(base_environment())
            .region("eu-west-1"),
        "https://sts.eu-west-1.amazonaws.com",
        "eu-west-1",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment())
            .region("cn-north-1"),
        "https://sts.cn-north-1.amazonaws.com.cn",
        "cn-north-1",
    );
}

#[test]
fn region_from_environment_and_profile() {
    expect(
        AwsSession::builder().environment(base_environment().with_var("AWS_REGION", "ap-south-1")),
        "https://sts.ap-south-1.amazonaws.com",
        "ap-south-1",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment().with_var("AWS_DEFAULT_REGION", "sa-east-1")),
        "https://sts.sa-east-1.amazonaws.com",
        "sa-east-1",
    );
    let home = Home::with_config(
        "[default]\nregion = us-gov-west-1\n[profile other]\nregion = eu-central-1\n",
    );
    expect(
        AwsSession::builder().environment(base_environment().with_home_dir(&home.0)),
        "https://sts.us-gov-west-1.amazonaws.com",
        "us-gov-west-1",
    );
    expect(
        AwsSession::builder().environment(
            base_environment()
                .with_home_dir(&home.0)
                .with_var("AWS_PROFILE", "other"),
        ),
        "https://sts.eu-central-1.amazonaws.com",
        "eu-central-1",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment().with_home_dir(&home.0))
            .profile("other"),
        "https://sts.eu-central-1.amazonaws.com",
        "eu-central-1",
    );
}

#[test]
fn fips_from_each_source() {
    expect(
        AwsSession::builder()
            .environment(base_environment())
            .region("us-east-2")
            .use_fips(true),
        "https://sts-fips.us-east-2.amazonaws.com",
        "us-east-2",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment().with_var("AWS_USE_FIPS_ENDPOINT", "true"))
            .region("us-east-2"),
        "https://sts-fips.us-east-2.amazonaws.com",
        "us-east-2",
    );
    let home = Home::with_config("[default]\nregion = us-west-1\nuse_fips_endpoint = true\n");
    expect(
        AwsSession::builder().environment(base_environment().with_home_dir(&home.0)),
        "https://sts-fips.us-west-1.amazonaws.com",
        "us-west-1",
    );
    // The builder overrides the environment, which overrides the profile.
    expect(
        AwsSession::builder().environment(
            base_environment()
                .with_home_dir(&home.0)
                .with_var("AWS_USE_FIPS_ENDPOINT", "false"),
        ),
        "https://sts.us-west-1.amazonaws.com",
        "us-west-1",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment().with_var("AWS_USE_FIPS_ENDPOINT", "true"))
            .region("us-west-1")
            .use_fips(false),
        "https://sts.us-west-1.amazonaws.com",
        "us-west-1",
    );
}

#[test]
fn govcloud_fips_keeps_regional_host() {
    expect(
        AwsSession::builder()
            .environment(base_environment())
            .region("us-gov-west-1")
            .use_fips(true),
        "https://sts.us-gov-west-1.amazonaws.com",
        "us-gov-west-1",
    );
}

#[test]
fn dual_stack_from_each_source() {
    expect(
        AwsSession::builder()
            .environment(base_environment())
            .region("eu-west-3")
            .use_dual_stack(true),
        "https://sts.eu-west-3.api.aws",
        "eu-west-3",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment().with_var("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"))
            .region("eu-west-3"),
        "https://sts.eu-west-3.api.aws",
        "eu-west-3",
    );
    let home = Home::with_config(
        "[default]\nregion = eu-west-3\nuse_dualstack_endpoint = true\nuse_fips_endpoint = true\n",
    );
    expect(
        AwsSession::builder().environment(base_environment().with_home_dir(&home.0)),
        "https://sts-fips.eu-west-3.api.aws",
        "eu-west-3",
    );
}

#[test]
fn legacy_regions_use_global_endpoint() {
    expect(
        AwsSession::builder()
            .environment(base_environment())
            .region("us-west-2")
            .sts_regional_endpoints(StsRegionalEndpoints::Legacy),
        "https://sts.amazonaws.com",
        "us-east-1",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment().with_var("AWS_STS_REGIONAL_ENDPOINTS", "legacy"))
            .region("eu-west-1"),
        "https://sts.amazonaws.com",
        "us-east-1",
    );
    // A region that STS never served globally stays regional even in legacy mode.
    expect(
        AwsSession::builder()
            .environment(base_environment().with_var("AWS_STS_REGIONAL_ENDPOINTS", "legacy"))
            .region("ap-east-1"),
        "https://sts.ap-east-1.amazonaws.com",
        "ap-east-1",
    );
    let home =
        Home::with_config("[default]\nregion = ap-northeast-1\nsts_regional_endpoints = legacy\n");
    expect(
        AwsSession::builder().environment(base_environment().with_home_dir(&home.0)),
        "https://sts.amazonaws.com",
        "us-east-1",
    );
    expect(
        AwsSession::builder().environment(
            base_environment()
                .with_home_dir(&home.0)
                .with_var("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
        ),
        "https://sts.ap-northeast-1.amazonaws.com",
        "ap-northeast-1",
    );
}

#[test]
fn endpoint_url_from_each_source() {
    expect(
        AwsSession::builder()
            .environment(base_environment())
            .endpoint_url("http://127.0.0.1:4566"),
        "http://127.0.0.1:4566",
        "us-east-1",
    );
    expect(
        AwsSession::builder()
            .environment(base_environment().with_var("AWS_ENDPOINT_URL", "http://127.0.0.1:1"))
            .region("eu-north-1"),
        "http://127.0.0.1:1",
        "eu-north-1",
    );
    expect(
        AwsSession::builder().environment(
            base_environment()
                .with_var("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
                .with_var("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2"),
        ),
        "http://127.0.0.1:2",
        "us-east-1",
    );
    let home = Home::with_config(
        "[default]\nendpoint_url = http://127.0.0.1:3\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:4\n",
    );
    expect(
        AwsSession::builder().environment(base_environment().with_home_dir(&home.0)),
        "http://127.0.0.1:4",
        "us-east-1",
    );
}

#[test]
fn invalid_combinations_are_config_errors() {
    let fips_and_url = target(
        AwsSession::builder()
            .environment(base_environment())
            .region("us-east-1")
            .use_fips(true)
            .endpoint_url("http://127.0.0.1:1"),
    )
    .unwrap_err();
    assert!(
        matches!(fips_and_url, Error::Config { .. }),
        "{fips_and_url:?}"
    );
    assert_eq!(
        fips_and_url.to_string(),
        "cannot resolve the STS endpoint for region \"us-east-1\" with FIPS on, dual-stack off and \
         endpoint URL http://127.0.0.1:1: Invalid Configuration: FIPS and custom endpoint are not supported"
    );

    let dual_and_url = target(
        AwsSession::builder()
            .environment(base_environment())
            .use_dual_stack(true)
            .endpoint_url("http://127.0.0.1:1"),
    )
    .unwrap_err();
    assert!(
        dual_and_url
            .to_string()
            .contains("Dualstack and custom endpoint are not supported"),
        "{dual_and_url}"
    );

    for region in ["us east 1", "eu_west_1", "-bad"] {
        let error = target(
            AwsSession::builder()
                .environment(base_environment())
                .region(region),
        )
        .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{region}: {error:?}");
        assert!(error.to_string().contains(region), "{error}");
    }

    for (variable, value) in [
        ("AWS_USE_FIPS_ENDPOINT", "yes"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "1"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "global"),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "maybe"),
    ] {
        let error =
            target(AwsSession::builder().environment(base_environment().with_var(variable, value)))
                .unwrap_err();
        assert!(
            matches!(error, Error::Config { .. }),
            "{variable}: {error:?}"
        );
        assert!(error.to_string().contains(variable), "{error}");
    }
}

// The configured-endpoint-URL cases from botocore, written for S3 and DynamoDB, applied to
// STS: the service under test becomes `sts` (in `AWS_ENDPOINT_URL_<SERVICE>`, in `[services]`
// sections and in the default endpoint host), and any other service named in a case stays as
// it is, so the two cases about two services at once check that another service's URL does
// not leak into STS. All 39 cases apply.
#[test]
fn configured_endpoint_url_cases() {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/shared-config/botocore-configured-endpoint-urls-profile-tests.json"
    ))
    .unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let suite = &document["testSuites"][0];
    let cases = suite["endpointUrlTests"].as_array().unwrap();
    assert_eq!(cases.len(), 39);

    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let service = case["service"].as_str().unwrap();
        let rename = |text: &str| -> String {
            if text.eq_ignore_ascii_case(service) {
                "sts".to_string()
            } else {
                text.to_string()
            }
        };

        let config = config_file(suite, &rename);
        let home = Home::with_config(&config);
        let mut environment = base_environment()
            .with_home_dir(&home.0)
            .with_var("AWS_PROFILE", case["profile"].as_str().unwrap());
        for (variable, value) in suite["environments"][case["environment"].as_str().unwrap()]
            .as_object()
            .unwrap()
        {
            let variable = match variable.strip_prefix("AWS_ENDPOINT_URL_") {
                Some(suffix) => format!("AWS_ENDPOINT_URL_{}", rename(suffix).to_uppercase()),
                None => variable.clone(),
            };
            environment = environment.with_var(variable, value.as_str().unwrap());
        }

        let mut builder = AwsSession::builder().environment(environment);
        let client_config = &suite["client_configs"][case["client_config"].as_str().unwrap()];
        if let Some(url) = client_config["endpoint_url"].as_str() {
            builder = builder.endpoint_url(url);
        }
        if let Some(ignore) = client_config["ignore_configured_endpoint_urls"].as_bool() {
            builder = builder.ignore_configured_endpoint_urls(ignore);
        }

        let expected = case["output"]["endpointUrl"].as_str().unwrap().replace(
            &format!("https://{service}.fake-region-10."),
            "https://sts.fake-region-10.",
        );
        match target(builder) {
            Ok((url, _)) if url == expected => {}
            Ok((url, _)) => failures.push(format!("{name}: expected {expected}, got {url}")),
            Err(error) => failures.push(format!("{name}: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 39 cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Writes the suite's profiles and services sections as a config file, with service names
/// renamed by `rename`.
fn config_file(suite: &serde_json::Value, rename: &dyn Fn(&str) -> String) -> String {
    let mut config = String::new();
    for (name, properties) in suite["profiles"].as_object().unwrap() {
        if name == "default" {
            config.push_str("[default]\n");
        } else {
            config.push_str(&format!("[profile {name}]\n"));
        }
        for (key, value) in properties.as_object().unwrap() {
            config.push_str(&format!("{key} = {}\n", value.as_str().unwrap()));
        }
    }
    for (name, services) in suite["services"].as_object().unwrap() {
        config.push_str(&format!("[services {name}]\n"));
        for (service, properties) in services.as_object().unwrap() {
            config.push_str(&format!("{} =\n", rename(service)));
            for (key, value) in properties.as_object().unwrap() {
                config.push_str(&format!("  {key} = {}\n", value.as_str().unwrap()));
            }
        }
    }
    config
}
