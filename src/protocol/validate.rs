//! Checks of request members against the STS model's length, pattern, list-size and range
//! constraints, made before anything is sent.
//!
//! Each string shape of the model that an input uses is one [`StringShape`] constant below,
//! with its bounds and pattern copied from `sts-2011-06-15.service.json` (botocore 1.44.8).
//! Patterns are matched against the whole value, as STS applies them. In them `\w` means ASCII
//! letters, digits and `_`, `\d` means ASCII digits, `\p{L}` means any Unicode letter
//! ([`char::is_alphabetic`]), `\p{N}` any Unicode number ([`char::is_numeric`]) and `\p{Z}`
//! any Unicode separator.
//!
//! Messages name the member, say what is wrong and what the model allows. They quote a
//! rejected character only for members whose shape has a pattern. No secret member has one,
//! so no message contains part of a secret.

use crate::Error;

/// A string shape of the STS model: its length bounds in characters and its pattern.
#[derive(Debug)]
pub(crate) struct StringShape {
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) pattern: Option<Pattern>,
}

/// A pattern of the model that allows a set of characters, and how to test one character.
#[derive(Debug)]
pub(crate) struct Pattern {
    /// The pattern as the model writes it, for messages.
    pub(crate) text: &'static str,
    pub(crate) allows: fn(char) -> bool,
}

/// An integer shape of the STS model: its inclusive range and unit.
#[derive(Debug)]
pub(crate) struct IntegerShape {
    pub(crate) min: i64,
    pub(crate) max: i64,
    pub(crate) unit: &'static str,
}

const ARN_PATTERN: Pattern = Pattern {
    text: r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+",
    allows: is_arn_character,
};

const SESSION_NAME_PATTERN: Pattern = Pattern {
    text: r"[\w+=,.@-]*",
    allows: is_session_name_character,
};

const POLICY_PATTERN: Pattern = Pattern {
    text: r"[\u0009\u000A\u000D\u0020-\u00FF]+",
    allows: is_policy_character,
};

/// `arnType`: role, principal, policy and provider ARNs.
pub(crate) const ARN: StringShape = StringShape {
    min: 20,
    max: 2048,
    pattern: Some(ARN_PATTERN),
};

/// `roleSessionNameType`.
pub(crate) const ROLE_SESSION_NAME: StringShape = StringShape {
    min: 2,
    max: 64,
    pattern: Some(SESSION_NAME_PATTERN),
};

/// `sourceIdentityType`.
pub(crate) const SOURCE_IDENTITY: StringShape = StringShape {
    min: 2,
    max: 256,
    pattern: Some(SESSION_NAME_PATTERN),
};

/// `userNameType`: the federated user name of GetFederationToken.
pub(crate) const USER_NAME: StringShape = StringShape {
    min: 2,
    max: 32,
    pattern: Some(SESSION_NAME_PATTERN),
};

/// `externalIdType`.
pub(crate) const EXTERNAL_ID: StringShape = StringShape {
    min: 2,
    max: 1224,
    pattern: Some(Pattern {
        text: r"[\w+=,.@:\/-]*",
        allows: |c| is_session_name_character(c) || c == ':' || c == '/',
    }),
};

/// `serialNumberType`: the MFA device's serial number or ARN.
pub(crate) const SERIAL_NUMBER: StringShape = StringShape {
    min: 9,
    max: 256,
    pattern: Some(Pattern {
        text: r"[\w+=/:,.@-]*",
        allows: |c| is_session_name_character(c) || c == ':' || c == '/',
    }),
};

/// `tokenCodeType`: the six-digit MFA code.
pub(crate) const TOKEN_CODE: StringShape = StringShape {
    min: 6,
    max: 6,
    pattern: Some(Pattern {
        text: r"[\d]*",
        allows: |c| c.is_ascii_digit(),
    }),
};

/// `unrestrictedSessionPolicyDocumentType`: AssumeRole's inline policy, with no maximum
/// length in the model (STS limits the packed size instead).
pub(crate) const UNRESTRICTED_SESSION_POLICY: StringShape = StringShape {
    min: 1,
    max: usize::MAX,
    pattern: Some(POLICY_PATTERN),
};

/// `sessionPolicyDocumentType`: the inline policy of every other operation.
pub(crate) const SESSION_POLICY: StringShape = StringShape {
    min: 1,
    max: 2048,
    pattern: Some(POLICY_PATTERN),
};

/// `tagKeyType`: a session tag key or transitive tag key.
pub(crate) const TAG_KEY: StringShape = StringShape {
    min: 1,
    max: 128,
    pattern: Some(Pattern {
        text: r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+",
        allows: is_tag_character,
    }),
};

/// `tagValueType`: a session tag value, which may be empty.
pub(crate) const TAG_VALUE: StringShape = StringShape {
    min: 0,
    max: 256,
    pattern: Some(Pattern {
        text: r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
        allows: is_tag_character,
    }),
};

/// `contextAssertionType`: a provided context's signed assertion.
pub(crate) const CONTEXT_ASSERTION: StringShape = StringShape {
    min: 4,
    max: 3072,
    pattern: None,
};

/// `SAMLAssertionType`, a secret.
pub(crate) const SAML_ASSERTION: StringShape = StringShape {
    min: 4,
    max: 100_000,
    pattern: None,
};

/// `clientTokenType`: the OAuth 2.0 access token or OpenID Connect ID token, a secret.
pub(crate) const WEB_IDENTITY_TOKEN: StringShape = StringShape {
    min: 4,
    max: 20_000,
    pattern: None,
};

/// `urlType`: the `ProviderId` of AssumeRoleWithWebIdentity.
pub(crate) const PROVIDER_ID: StringShape = StringShape {
    min: 4,
    max: 2048,
    pattern: None,
};

/// `TargetPrincipalType`: a member account id or principal ARN.
pub(crate) const TARGET_PRINCIPAL: StringShape = StringShape {
    min: 12,
    max: 2048,
    pattern: None,
};

/// `encodedMessageType`.
pub(crate) const ENCODED_MESSAGE: StringShape = StringShape {
    min: 1,
    max: 10_240,
    pattern: None,
};

/// `accessKeyIdType`.
pub(crate) const ACCESS_KEY_ID: StringShape = StringShape {
    min: 16,
    max: 128,
    pattern: Some(Pattern {
        text: r"[\w]*",
        allows: is_word,
    }),
};

/// `scopedSessionDescriptionType`.
pub(crate) const SCOPED_SESSION_DESCRIPTION: StringShape = StringShape {
    min: 2,
    max: 256,
    pattern: Some(Pattern {
        text: r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
        allows: |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}'),
    }),
};

/// `webIdentityTokenAudienceStringType`: one audience of GetWebIdentityToken.
pub(crate) const AUDIENCE: StringShape = StringShape {
    min: 1,
    max: 1000,
    pattern: None,
};

/// `jwtAlgorithmType`: `RS256` or `ES384` in the STS documentation, but the model fixes
/// only the length.
pub(crate) const JWT_ALGORITHM: StringShape = StringShape {
    min: 5,
    max: 5,
    pattern: None,
};

/// `roleDurationSecondsType`: AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity.
pub(crate) const ROLE_DURATION: IntegerShape = IntegerShape {
    min: 900,
    max: 43_200,
    unit: "seconds",
};

/// `durationSecondsType`: GetSessionToken and GetFederationToken.
pub(crate) const SESSION_DURATION: IntegerShape = IntegerShape {
    min: 900,
    max: 129_600,
    unit: "seconds",
};

/// `RootDurationSecondsType`: AssumeRoot.
pub(crate) const ROOT_DURATION: IntegerShape = IntegerShape {
    min: 0,
    max: 900,
    unit: "seconds",
};

/// `scopedCredentialDurationSecondsType`: GetScopedCredentials.
pub(crate) const SCOPED_DURATION: IntegerShape = IntegerShape {
    min: 1,
    max: 129_600,
    unit: "seconds",
};

/// `webIdentityTokenDurationSecondsType`: GetWebIdentityToken.
pub(crate) const WEB_IDENTITY_TOKEN_DURATION: IntegerShape = IntegerShape {
    min: 60,
    max: 3600,
    unit: "seconds",
};

/// `minimumSessionTokenSizeType`. NOTE: the model gives no unit, so the unit is taken from the
/// issued token's `SessionTokenSize`, which is in bytes.
pub(crate) const MINIMUM_SESSION_TOKEN_SIZE: IntegerShape = IntegerShape {
    min: 0,
    max: 4096,
    unit: "bytes",
};

/// The longest list of session tags or transitive tag keys (`tagListType`, `tagKeyListType`).
pub(crate) const MAX_TAGS: usize = 50;

/// Checks `value` against a string shape: its length, then its pattern.
pub(crate) fn string(field: &str, value: &str, shape: &StringShape) -> Result<(), Error> {
    length(field, value, shape.min, shape.max)?;
    match &shape.pattern {
        Some(pattern) => characters(field, value, pattern.text, pattern.allows),
        None => Ok(()),
    }
}

/// Checks an optional string member. An absent member is valid.
pub(crate) fn optional_string(
    field: &str,
    value: Option<&str>,
    shape: &StringShape,
) -> Result<(), Error> {
    match value {
        Some(value) => string(field, value, shape),
        None => Ok(()),
    }
}

/// Checks an optional integer member against its shape's range.
pub(crate) fn optional_integer(
    field: &str,
    value: Option<i32>,
    shape: &IntegerShape,
) -> Result<(), Error> {
    match value {
        Some(value) => range(field, value.into(), shape.min, shape.max, shape.unit),
        None => Ok(()),
    }
}

/// Checks that a list has between `min` and `max` items.
pub(crate) fn list_size(field: &str, count: usize, min: usize, max: usize) -> Result<(), Error> {
    if count < min || count > max {
        return Err(Error::invalid_input(
            field,
            format!("the list has {count} items; it must have {min} to {max}"),
        ));
    }
    Ok(())
}

/// Checks that `value` has between `min` and `max` characters.
///
/// The model counts characters (Unicode scalar values), not bytes.
pub(crate) fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let count = value.chars().count();
    if count < min || count > max {
        let allowed = if max == usize::MAX {
            format!("at least {min}")
        } else if min == max {
            format!("exactly {min}")
        } else {
            format!("{min} to {max}")
        };
        let noun = if count == 1 {
            "character"
        } else {
            "characters"
        };
        return Err(Error::invalid_input(
            field,
            format!("the value has {count} {noun}; it must have {allowed}"),
        ));
    }
    Ok(())
}

/// Checks that an integer member lies within `min..=max`.
pub(crate) fn range(field: &str, value: i64, min: i64, max: i64, unit: &str) -> Result<(), Error> {
    if value < min || value > max {
        return Err(Error::invalid_input(
            field,
            format!("{value} {unit} is out of range; use {min} to {max} {unit}"),
        ));
    }
    Ok(())
}

/// Checks that every character is allowed by `is_allowed`; `pattern` describes the allowed
/// set in the model's notation for the message.
pub(crate) fn characters(
    field: &str,
    value: &str,
    pattern: &str,
    is_allowed: impl Fn(char) -> bool,
) -> Result<(), Error> {
    if let Some((position, character)) = value.chars().enumerate().find(|(_, c)| !is_allowed(*c)) {
        return Err(Error::invalid_input(
            field,
            format!(
                "character {:?} at position {} is not allowed; the value must match {pattern}",
                character,
                position + 1
            ),
        ));
    }
    Ok(())
}

/// The characters of `webIdentityTokenScopeType`'s scope tokens: printable ASCII except
/// space, `"`, `,` and `\`.
const SCOPE_PATTERN: &str =
    r"[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+( [\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+)*";

/// Checks GetWebIdentityToken's `Scope`: 1 to 256 characters forming scope tokens separated
/// by single spaces, with no space at either end.
pub(crate) fn scope(field: &str, value: &str) -> Result<(), Error> {
    length(field, value, 1, 256)?;
    characters(field, value, SCOPE_PATTERN, |c| {
        c == ' ' || is_scope_token_character(c)
    })?;
    if value.starts_with(' ') || value.ends_with(' ') || value.contains("  ") {
        return Err(Error::invalid_input(
            field,
            format!(
                "scope values must be separated by single spaces with none at either end; \
                 the value must match {SCOPE_PATTERN}"
            ),
        ));
    }
    Ok(())
}

fn is_scope_token_character(character: char) -> bool {
    matches!(character, '\x21' | '\x23'..='\x2b' | '\x2d'..='\x5b' | '\x5d'..='\x7e')
}

/// `\w` in the model's patterns: ASCII letters, digits and `_`.
pub(crate) fn is_word(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_'
}

/// The characters of the model's `roleSessionNameType`, `sourceIdentityType` and
/// `userNameType` pattern `[\w+=,.@-]*`.
pub(crate) fn is_session_name_character(character: char) -> bool {
    is_word(character) || matches!(character, '+' | '=' | ',' | '.' | '@' | '-')
}

/// The characters of `arnType`: tab, line feed, carriage return and every character from
/// U+0020 on except U+007F to U+0084, U+0086 to U+009F, surrogates, U+FFFE and U+FFFF.
fn is_arn_character(character: char) -> bool {
    matches!(character, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// The characters of a policy document: tab, line feed, carriage return and U+0020 to U+00FF
/// (printable ASCII and Latin-1).
fn is_policy_character(character: char) -> bool {
    matches!(character, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

/// The characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, the tag key and value pattern.
fn is_tag_character(character: char) -> bool {
    character.is_alphabetic()
        || character.is_numeric()
        || is_unicode_separator(character)
        || matches!(character, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// `\p{Z}`: the Unicode space separators (Zs), the line separator (Zl) and the paragraph
/// separator (Zp), as of Unicode 15.
fn is_unicode_separator(character: char) -> bool {
    matches!(
        character,
        '\u{20}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Checks a role session name: 2 to 64 characters of `[\w+=,.@-]`.
pub(crate) fn role_session_name(field: &str, value: &str) -> Result<(), Error> {
    string(field, value, &ROLE_SESSION_NAME)
}

/// Checks an ARN against the model's `arnType`: 20 to 2048 characters of its pattern.
pub(crate) fn arn(field: &str, value: &str) -> Result<(), Error> {
    string(field, value, &ARN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<(), Error>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn length_counts_characters() {
        assert!(length("Name", "\u{e9}\u{e9}", 2, 2).is_ok());
        assert_eq!(
            message(length("RoleArn", "short", 20, 2048)),
            "invalid RoleArn: the value has 5 characters; it must have 20 to 2048"
        );
        assert_eq!(
            message(length("TokenCode", "1", 6, 6)),
            "invalid TokenCode: the value has 1 character; it must have exactly 6"
        );
    }

    #[test]
    fn length_without_maximum() {
        assert_eq!(
            message(string("Policy", "", &UNRESTRICTED_SESSION_POLICY)),
            "invalid Policy: the value has 0 characters; it must have at least 1"
        );
    }

    #[test]
    fn session_name_pattern() {
        assert!(role_session_name("RoleSessionName", "a_b+c=d,e.f@g-h").is_ok());
        assert_eq!(
            message(role_session_name("RoleSessionName", "has space")),
            "invalid RoleSessionName: character ' ' at position 4 is not allowed; the value must match [\\w+=,.@-]*"
        );
        assert!(role_session_name("RoleSessionName", "caf\u{e9}").is_err());
        assert!(role_session_name("RoleSessionName", "a").is_err());
        assert!(role_session_name("RoleSessionName", &"a".repeat(65)).is_err());
    }

    #[test]
    fn range_message() {
        assert_eq!(
            message(range("DurationSeconds", 899, 900, 43200, "seconds")),
            "invalid DurationSeconds: 899 seconds is out of range; use 900 to 43200 seconds"
        );
        assert!(range("DurationSeconds", 43200, 900, 43200, "seconds").is_ok());
    }

    #[test]
    fn list_size_message() {
        assert_eq!(
            message(list_size("Tags", 51, 0, 50)),
            "invalid Tags: the list has 51 items; it must have 0 to 50"
        );
        assert!(list_size("Tags", 50, 0, 50).is_ok());
    }

    #[test]
    fn tag_characters_follow_unicode_classes() {
        for allowed in [
            'a', '\u{e9}', '\u{4e2d}', '7', '\u{663}', '\u{2164}', ' ', '\u{3000}',
        ] {
            assert!(is_tag_character(allowed), "{allowed:?} rejected");
        }
        for rejected in ['\t', '\n', '*', '~', '#', '!', '\u{1f600}'] {
            assert!(!is_tag_character(rejected), "{rejected:?} accepted");
        }
    }

    #[test]
    fn policy_characters_are_latin1() {
        assert!(is_policy_character('\u{ff}'));
        assert!(is_policy_character('\t'));
        assert!(!is_policy_character('\u{100}'));
        assert!(!is_policy_character('\u{1f}'));
    }

    #[test]
    fn arn_characters_exclude_controls() {
        assert!(is_arn_character('\u{85}'));
        assert!(is_arn_character('\u{10ffff}'));
        assert!(!is_arn_character('\u{7f}'));
        assert!(!is_arn_character('\u{fffe}'));
    }

    #[test]
    fn scope_tokens_and_spaces() {
        assert!(scope("Scope", "read write:all").is_ok());
        assert!(scope("Scope", "a").is_ok());
        assert_eq!(
            message(scope("Scope", "read  write")),
            "invalid Scope: scope values must be separated by single spaces with none at either \
             end; the value must match [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+)*"
        );
        assert!(scope("Scope", " read").is_err());
        assert!(scope("Scope", "read ").is_err());
        assert!(scope("Scope", "a\"b").is_err());
        assert!(scope("Scope", "a,b").is_err());
        assert!(scope("Scope", "a\\b").is_err());
        assert!(scope("Scope", "").is_err());
    }
}
