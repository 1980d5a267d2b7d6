//! Checks of request members against the STS model's length, pattern and range constraints,
//! made before anything is sent.

use crate::Error;

/// Checks that `value` has between `min` and `max` characters.
///
/// The model counts characters (Unicode scalar values), not bytes.
pub(crate) fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let count = value.chars().count();
    if count < min || count > max {
        return Err(Error::invalid_input(
            field,
            format!("the value has {count} characters; it must have {min} to {max}"),
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

/// `\w` in the model's patterns: ASCII letters, digits and `_`.
pub(crate) fn is_word(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_'
}

/// The characters of the model's `roleSessionNameType`, `sourceIdentityType` and
/// `externalIdType` style pattern `[\w+=,.@-]*`.
pub(crate) fn is_session_name_character(character: char) -> bool {
    is_word(character) || matches!(character, '+' | '=' | ',' | '.' | '@' | '-')
}

/// Checks a role session name: 2 to 64 characters of `[\w+=,.@-]`.
pub(crate) fn role_session_name(field: &str, value: &str) -> Result<(), Error> {
    length(field, value, 2, 64)?;
    characters(field, value, r"[\w+=,.@-]*", is_session_name_character)
}

/// Checks a role ARN's length, 20 to 2048 characters, as the model's `arnType` requires.
pub(crate) fn arn(field: &str, value: &str) -> Result<(), Error> {
    length(field, value, 20, 2048)?;
    characters(
        field,
        value,
        r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+",
        |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}'),
    )
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
}
