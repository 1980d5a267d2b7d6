//! Output formats: the AWS CLI's JSON and text layouts, shell `export` lines, and the JSON
//! document that `credential_process` expects.

use std::fmt::Write as _;

use aws_sts_blocking::Credentials;
use serde::ser::{Serialize, SerializeMap, Serializer};
use time::{OffsetDateTime, UtcOffset};

/// The `--output` formats.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The document the AWS CLI prints with `--output json`.
    #[default]
    Json,
    /// The tab-separated lines the AWS CLI prints with `--output text`.
    Text,
    /// `export NAME=value` lines for a POSIX shell.
    Env,
    /// The `Version: 1` document of the `credential_process` setting.
    CredentialProcess,
}

impl Format {
    pub fn parse(word: &str) -> Option<Format> {
        match word {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            "env" => Some(Format::Env),
            "credential-process" => Some(Format::CredentialProcess),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Text => "text",
            Format::Env => "env",
            Format::CredentialProcess => "credential-process",
        }
    }

    /// Returns whether the format prints credentials only, so it needs a command that
    /// returns them.
    pub fn needs_credentials(self) -> bool {
        matches!(self, Format::Env | Format::CredentialProcess)
    }
}

/// A response document: members keep the order of the STS model, as the AWS CLI prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    String(String),
    Integer(i64),
    Object(Vec<(String, Value)>),
}

impl Value {
    fn is_scalar(&self) -> bool {
        matches!(self, Value::String(_) | Value::Integer(_))
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::String(text) => serializer.serialize_str(text),
            Value::Integer(number) => serializer.serialize_i64(*number),
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

/// Builder of a [`Value::Object`] that leaves out absent optional members, as the AWS CLI does.
#[derive(Debug, Default)]
pub struct Object {
    members: Vec<(String, Value)>,
}

impl Object {
    pub fn new() -> Object {
        Object::default()
    }

    pub fn string(mut self, name: &str, value: impl Into<String>) -> Object {
        self.members
            .push((name.to_string(), Value::String(value.into())));
        self
    }

    pub fn optional_string(self, name: &str, value: Option<&str>) -> Object {
        match value {
            Some(value) => self.string(name, value),
            None => self,
        }
    }

    pub fn optional_integer(mut self, name: &str, value: Option<i32>) -> Object {
        if let Some(value) = value {
            self.members
                .push((name.to_string(), Value::Integer(value.into())));
        }
        self
    }

    pub fn timestamp(self, name: &str, value: OffsetDateTime) -> Object {
        self.string(name, timestamp(value))
    }

    pub fn optional_timestamp(self, name: &str, value: Option<OffsetDateTime>) -> Object {
        match value {
            Some(value) => self.timestamp(name, value),
            None => self,
        }
    }

    pub fn value(mut self, name: &str, value: Value) -> Object {
        self.members.push((name.to_string(), value));
        self
    }

    pub fn optional_value(self, name: &str, value: Option<Value>) -> Object {
        match value {
            Some(value) => self.value(name, value),
            None => self,
        }
    }

    pub fn build(self) -> Value {
        Value::Object(self.members)
    }
}

/// Builds the `Credentials` structure of an STS response.
pub fn credentials_value(credentials: &Credentials) -> Value {
    Object::new()
        .string("AccessKeyId", credentials.access_key_id())
        .string("SecretAccessKey", credentials.secret_access_key())
        .optional_string("SessionToken", credentials.session_token())
        .optional_timestamp("Expiration", credentials.expiration())
        .build()
}

/// Formats a timestamp in UTC as ISO 8601, `2024-05-01T12:34:56Z`, with `.ffffff`
/// microseconds only when the time has a fraction of a second.
///
/// The AWS CLI (checked with awscli 1.46.3) prints timestamps exactly as STS sent them: STS
/// sends whole seconds with `Z`, and moto sends six fraction digits. This form reproduces
/// both. NOTE: a fraction with more than six digits is cut to microseconds.
pub fn timestamp(value: OffsetDateTime) -> String {
    let utc = value.to_offset(UtcOffset::UTC);
    let mut text = date_and_time(utc);
    if utc.microsecond() != 0 {
        let _ = write!(text, ".{:06}", utc.microsecond());
    }
    text.push('Z');
    text
}

/// Formats the date and time to the second, `2024-05-01T12:34:56`, without an offset.
fn date_and_time(value: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        value.year(),
        u8::from(value.month()),
        value.day(),
        value.hour(),
        value.minute(),
        value.second()
    )
}

/// Renders a document as the AWS CLI's `--output json` does: four-space indentation,
/// non-ASCII characters unescaped, and a final newline.
pub fn render_json(value: &Value) -> String {
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    value
        .serialize(&mut serializer)
        .expect("serializing a Value into memory cannot fail");
    let mut text = String::from_utf8(buffer).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// Renders a document as the AWS CLI's `--output text` does (checked against awscli 1.46.3).
///
/// An object prints one tab-separated line of its scalar members sorted by name, led by the
/// upper-cased name of the member that contains it when it is nested, and no line when it has
/// no scalars. Its object members follow, sorted by name. STS outputs contain no lists, so
/// the AWS CLI's layout of lists is not reproduced.
pub fn render_text(value: &Value) -> String {
    let mut text = String::new();
    write_text(value, None, &mut text);
    text
}

/// Writes `value` in the text layout, its lines led by `identifier` when it is nested.
fn write_text(value: &Value, identifier: Option<&str>, text: &mut String) {
    let members = match value {
        Value::String(_) | Value::Integer(_) => {
            text.push_str(&scalar_text(value));
            text.push('\n');
            return;
        }
        Value::Object(members) => members,
    };

    let mut sorted: Vec<&(String, Value)> = members.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let (scalars, nested): (Vec<_>, Vec<_>) =
        sorted.into_iter().partition(|(_, value)| value.is_scalar());

    if !scalars.is_empty() {
        let mut fields: Vec<String> = identifier.map(str::to_string).into_iter().collect();
        fields.extend(scalars.iter().map(|(_, value)| scalar_text(value)));
        text.push_str(&fields.join("\t"));
        text.push('\n');
    }
    for (name, value) in nested {
        write_text(value, Some(&name.to_uppercase()), text);
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(string) => string.clone(),
        Value::Integer(number) => number.to_string(),
        Value::Object(_) => String::new(),
    }
}

/// Renders `export` lines for a POSIX shell, for `eval "$(sts ... --output env)"`.
pub fn render_env(credentials: &Credentials) -> String {
    let mut lines = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_string()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().to_string(),
        ),
    ];
    if let Some(token) = credentials.session_token() {
        lines.push(("AWS_SESSION_TOKEN", token.to_string()));
    }
    if let Some(expiration) = credentials.expiration() {
        lines.push(("AWS_CREDENTIAL_EXPIRATION", timestamp(expiration)));
    }
    let mut text = String::new();
    for (name, value) in lines {
        let _ = writeln!(text, "export {name}={}", shell_quote(&value));
    }
    text
}

/// Quotes a value for a POSIX shell. Values made only of characters that are safe unquoted,
/// such as access keys and base64 session tokens, are left as they are.
fn shell_quote(value: &str) -> String {
    let is_safe = |c: char| c.is_ascii_alphanumeric() || "+/=.,:@%_-".contains(c);
    if !value.is_empty() && value.chars().all(is_safe) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// Renders the document that `credential_process` in the AWS config file must print:
/// `Version` 1, the key pair, and the session token, expiration and account id when known.
pub fn render_credential_process(credentials: &Credentials, account_id: Option<&str>) -> String {
    let mut document = Object::new()
        .value("Version", Value::Integer(1))
        .string("AccessKeyId", credentials.access_key_id())
        .string("SecretAccessKey", credentials.secret_access_key())
        .optional_string("SessionToken", credentials.session_token());
    if let Some(expiration) = credentials.expiration() {
        document = document.string("Expiration", timestamp(expiration));
    }
    let document = document.optional_string("AccountId", account_id).build();
    render_json(&document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn temporary_credentials() -> Credentials {
        Credentials::new(
            "ASIAEXAMPLE",
            "secret/with+chars=",
            Some("token+/=".to_string()),
            Some(datetime!(2030-01-02 03:04:05.25 +02:00)),
        )
    }

    fn assume_role_document() -> Value {
        Object::new()
            .value("Credentials", credentials_value(&temporary_credentials()))
            .value(
                "AssumedRoleUser",
                Object::new()
                    .string("AssumedRoleId", "AROAEXAMPLE:s")
                    .string("Arn", "arn:aws:sts::123456789012:assumed-role/r/s")
                    .build(),
            )
            .optional_integer("PackedPolicySize", Some(6))
            .optional_string("SourceIdentity", None)
            .build()
    }

    #[test]
    fn timestamps_in_utc_with_optional_fraction() {
        let whole = datetime!(2030-01-02 03:04:05 UTC);
        assert_eq!(timestamp(whole), "2030-01-02T03:04:05Z");

        let micros = datetime!(2030-01-02 03:04:05.190780 UTC);
        assert_eq!(timestamp(micros), "2030-01-02T03:04:05.190780Z");

        let nanos = datetime!(2030-01-02 03:04:05.123456789 -01:00);
        assert_eq!(timestamp(nanos), "2030-01-02T04:04:05.123456Z");
    }

    #[test]
    fn json_keeps_model_order_and_indents_by_four() {
        let expected = r#"{
    "Credentials": {
        "AccessKeyId": "ASIAEXAMPLE",
        "SecretAccessKey": "secret/with+chars=",
        "SessionToken": "token+/=",
        "Expiration": "2030-01-02T01:04:05.250000Z"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROAEXAMPLE:s",
        "Arn": "arn:aws:sts::123456789012:assumed-role/r/s"
    },
    "PackedPolicySize": 6
}
"#;
        assert_eq!(render_json(&assume_role_document()), expected);
    }

    #[test]
    fn json_keeps_non_ascii_and_escapes_quotes() {
        let document = Object::new().string("Name", "Zoë \"q\"").build();
        assert_eq!(
            render_json(&document),
            "{\n    \"Name\": \"Zoë \\\"q\\\"\"\n}\n"
        );
    }

    #[test]
    fn text_sorts_scalars_and_names_sections() {
        let expected = "6\n\
            ASSUMEDROLEUSER\tarn:aws:sts::123456789012:assumed-role/r/s\tAROAEXAMPLE:s\n\
            CREDENTIALS\tASIAEXAMPLE\t2030-01-02T01:04:05.250000Z\tsecret/with+chars=\ttoken+/=\n";
        assert_eq!(render_text(&assume_role_document()), expected);
    }

    #[test]
    fn text_of_flat_object() {
        let identity = Object::new()
            .string("UserId", "AIDAEXAMPLE")
            .string("Account", "123456789012")
            .string("Arn", "arn:aws:iam::123456789012:user/alice")
            .build();
        assert_eq!(
            render_text(&identity),
            "123456789012\tarn:aws:iam::123456789012:user/alice\tAIDAEXAMPLE\n"
        );
    }

    #[test]
    fn text_sections_match_aws_cli() {
        // Expected lines produced by awscli 1.46.3's text formatter from the same document:
        // a section without scalars prints no line of its own.
        let document = Object::new()
            .value(
                "Context",
                Object::new()
                    .value(
                        "Origin",
                        Object::new()
                            .string("Subject", "u1")
                            .string("Issuer", "i")
                            .build(),
                    )
                    .value(
                        "Transaction",
                        Object::new()
                            .value(
                                "IdentityProvider",
                                Object::new().string("b", "2").string("a", "1").build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .optional_integer("Count", Some(3))
            .build();
        assert_eq!(
            render_text(&document),
            "3\nORIGIN\ti\tu1\nIDENTITYPROVIDER\t1\t2\n"
        );
    }

    #[test]
    fn env_lines() {
        assert_eq!(
            render_env(&temporary_credentials()),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n\
             export AWS_SECRET_ACCESS_KEY=secret/with+chars=\n\
             export AWS_SESSION_TOKEN=token+/=\n\
             export AWS_CREDENTIAL_EXPIRATION=2030-01-02T01:04:05.250000Z\n"
        );
        let static_keys = Credentials::new("AKIDEXAMPLE", "it's $HOME", None, None);
        assert_eq!(
            render_env(&static_keys),
            "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE\n\
             export AWS_SECRET_ACCESS_KEY='it'\\''s $HOME'\n"
        );
    }

    #[test]
    fn shell_quote_cases() {
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("abc+/=_-"), "abc+/=_-");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("$(x)"), "'$(x)'");
    }

    #[test]
    fn credential_process_document() {
        assert_eq!(
            render_credential_process(&temporary_credentials(), Some("123456789012")),
            r#"{
    "Version": 1,
    "AccessKeyId": "ASIAEXAMPLE",
    "SecretAccessKey": "secret/with+chars=",
    "SessionToken": "token+/=",
    "Expiration": "2030-01-02T01:04:05.250000Z",
    "AccountId": "123456789012"
}
"#
        );
        let static_keys = Credentials::new("AKIDEXAMPLE", "secret", None, None);
        assert_eq!(
            render_credential_process(&static_keys, None),
            "{\n    \"Version\": 1,\n    \"AccessKeyId\": \"AKIDEXAMPLE\",\n    \"SecretAccessKey\": \"secret\"\n}\n"
        );
    }
}
