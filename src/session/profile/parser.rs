//! Line parser for one shared config or credentials file.
//!
//! This stage only checks syntax. It returns every section and property as
//! written, including those with invalid names, so that the same syntax
//! errors are raised whether or not a section is later ignored. Deciding
//! which sections are profiles, and merging them, happens in `set.rs`.
//!
//! Syntax accepted, line by line:
//! - Blank lines, and lines whose first non-whitespace character is `#` or
//!   `;`, are skipped.
//! - `[header]` starts a section. Whitespace inside the brackets is trimmed,
//!   and a comment starting with `#` or `;` may follow the `]`, with or
//!   without whitespace before it.
//! - `name = value` defines a property. The value runs to the end of the line
//!   unless a `#` or `;` that follows whitespace starts a comment.
//! - A line that starts with whitespace continues the last property. If that
//!   property's own value is empty, the line is a `name = value`
//!   sub-property. Otherwise the trimmed line is appended to the value after
//!   a `\n`. Comment characters are kept in both cases.

use std::fmt;
use std::path::{Path, PathBuf};

/// Shared file that a text came from: the config or the credentials file.
/// The two files name profiles differently, and errors name the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// The shared config file, `~/.aws/config` by default.
    Config,
    /// The shared credentials file, `~/.aws/credentials` by default.
    Credentials,
}

impl FileKind {
    /// Environment variable that overrides this file's location.
    pub(crate) fn path_variable(self) -> &'static str {
        match self {
            FileKind::Config => "AWS_CONFIG_FILE",
            FileKind::Credentials => "AWS_SHARED_CREDENTIALS_FILE",
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileKind::Config => f.write_str("AWS config file"),
            FileKind::Credentials => f.write_str("AWS credentials file"),
        }
    }
}

/// Syntax error in a shared config or credentials file.
///
/// The message names the file, the 1-based line number and the fix. It
/// never contains text from the file, because the line may contain a secret.
#[derive(Debug)]
pub(crate) struct ProfileParseError {
    file: FileKind,
    path: Option<PathBuf>,
    line: usize,
    kind: ParseErrorKind,
}

impl ProfileParseError {
    fn new(file: FileKind, line: usize, kind: ParseErrorKind) -> Self {
        ProfileParseError {
            file,
            path: None,
            line,
            kind,
        }
    }

    /// Adds the path the text was read from, so the message names it.
    pub(crate) fn with_path(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    /// Returns the file that failed to parse.
    pub(crate) fn file(&self) -> FileKind {
        self.file
    }

    /// Returns the path of the file, when the text was read from one.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Returns the 1-based number of the line with the error.
    pub(crate) fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for ProfileParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to parse the {}", self.file)?;
        if let Some(path) = &self.path {
            write!(f, " {}", path.display())?;
        }
        write!(f, " at line {}: {}", self.line, self.kind)
    }
}

impl std::error::Error for ProfileParseError {}

/// Syntax problem on one line.
///
/// Each message starts with the wording that the smithy-rs profile parser
/// test cases in `fixtures/shared-config` check for, then gives the fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParseErrorKind {
    MissingClosingBracket,
    PropertyOutsideSection,
    ContinuationOutsideSection,
    ContinuationOutsideProperty,
    PropertyWithoutName,
    PropertyWithoutEquals,
    SubPropertyWithoutName,
    SubPropertyWithoutEquals,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            ParseErrorKind::MissingClosingBracket => {
                "Profile definition must end with ']'. Close the section header with ']'; \
                 only a comment starting with '#' or ';' may follow it."
            }
            ParseErrorKind::PropertyOutsideSection => {
                "Expected a profile definition before this property. \
                 Add a section header such as [default] above it."
            }
            ParseErrorKind::ContinuationOutsideSection => {
                "Expected a profile definition before this indented line. \
                 Add a section header such as [default] above it."
            }
            ParseErrorKind::ContinuationOutsideProperty => {
                "Expected a property definition, found continuation. An indented line \
                 continues the property above it, so remove the indentation or define \
                 a property as 'name = value' first."
            }
            ParseErrorKind::PropertyWithoutName => {
                "Property did not have a name. Write the property as 'name = value'."
            }
            ParseErrorKind::PropertyWithoutEquals => {
                "Expected an '=' sign defining a property. Write the property as 'name = value'."
            }
            ParseErrorKind::SubPropertyWithoutName => {
                "Sub-property did not have a name. Write the sub-property as 'name = value'."
            }
            ParseErrorKind::SubPropertyWithoutEquals => {
                "Expected an '=' sign defining a sub-property. Indented lines under a \
                 property with an empty value are sub-properties, so write the line as \
                 'name = value', or give the property above a value."
            }
        };
        f.write_str(message)
    }
}

/// A section as written in one file, before its header is interpreted.
#[derive(Debug)]
pub(super) struct RawSection<'a> {
    /// Text between the brackets, trimmed, for example `profile foo`.
    pub(super) header: &'a str,
    /// 1-based line number of the header.
    pub(super) line: usize,
    /// Properties in file order, duplicates included.
    pub(super) properties: Vec<RawProperty<'a>>,
}

/// A property as written, with its continuation lines.
#[derive(Debug)]
pub(super) struct RawProperty<'a> {
    /// Name as written, trimmed but not yet lowercased or validated.
    pub(super) name: &'a str,
    /// 1-based line number of the `name = value` line.
    pub(super) line: usize,
    /// Value with continuation lines appended after `\n`, as the conformance
    /// suite reports it. For a property with sub-properties this is
    /// `"\nname = value\nname2 = value2"`.
    pub(super) value: String,
    /// Trimmed `(name, value)` pairs of the sub-properties, in file order.
    pub(super) sub_properties: Vec<(&'a str, &'a str)>,
    /// True when the property's own line has an empty value, which makes
    /// the indented lines below it sub-properties.
    takes_sub_properties: bool,
}

impl<'a> RawProperty<'a> {
    /// Adds one trimmed, non-blank continuation line.
    fn continue_with(&mut self, trimmed: &'a str) -> Result<(), ParseErrorKind> {
        if self.takes_sub_properties {
            let (name, value) = trimmed
                .split_once('=')
                .ok_or(ParseErrorKind::SubPropertyWithoutEquals)?;
            let name = name.trim();
            if name.is_empty() {
                return Err(ParseErrorKind::SubPropertyWithoutName);
            }
            // NOTE: unlike a property's value, a sub-property's value keeps an
            // inline `#` or `;` comment, matching the continuation-line rule.
            // The conformance suite has no case for comments here.
            self.sub_properties.push((name, value.trim()));
        }
        self.value.push('\n');
        self.value.push_str(trimmed);
        Ok(())
    }
}

/// Parses one file's text into sections, checking syntax only.
///
/// A leading UTF-8 byte order mark is skipped. Lines end at `\n` or `\r\n`.
pub(super) fn parse_file(
    text: &str,
    file: FileKind,
) -> Result<Vec<RawSection<'_>>, ProfileParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<RawSection<'_>> = Vec::new();

    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        parse_line(&mut sections, line, line_number)
            .map_err(|kind| ProfileParseError::new(file, line_number, kind))?;
    }
    Ok(sections)
}

fn parse_line<'a>(
    sections: &mut Vec<RawSection<'a>>,
    line: &'a str,
    line_number: usize,
) -> Result<(), ParseErrorKind> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
        return Ok(());
    }

    if line.starts_with(char::is_whitespace) {
        let section = sections
            .last_mut()
            .ok_or(ParseErrorKind::ContinuationOutsideSection)?;
        let property = section
            .properties
            .last_mut()
            .ok_or(ParseErrorKind::ContinuationOutsideProperty)?;
        return property.continue_with(trimmed);
    }

    if trimmed.starts_with('[') {
        sections.push(RawSection {
            header: parse_header(trimmed)?,
            line: line_number,
            properties: Vec::new(),
        });
        return Ok(());
    }

    let section = sections
        .last_mut()
        .ok_or(ParseErrorKind::PropertyOutsideSection)?;
    let property = parse_property(trimmed, line_number)?;
    section.properties.push(property);
    Ok(())
}

/// Returns the trimmed text between the brackets of a `[header]` line.
fn parse_header(trimmed: &str) -> Result<&str, ParseErrorKind> {
    // Neither `#` nor `;` is valid in a section name, so the first one starts
    // the comment, wherever it is.
    let without_comment = trimmed.split(['#', ';']).next().unwrap_or_default();
    let inner = without_comment
        .trim_end()
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .ok_or(ParseErrorKind::MissingClosingBracket)?;
    Ok(inner.trim())
}

fn parse_property(trimmed: &str, line_number: usize) -> Result<RawProperty<'_>, ParseErrorKind> {
    let (name, value) = trimmed
        .split_once('=')
        .ok_or(ParseErrorKind::PropertyWithoutEquals)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(ParseErrorKind::PropertyWithoutName);
    }
    let value = strip_inline_comment(value).trim();
    Ok(RawProperty {
        name,
        line: line_number,
        value: value.to_owned(),
        sub_properties: Vec::new(),
        takes_sub_properties: value.is_empty(),
    })
}

/// Cuts a property value at the first `#` or `;` that follows whitespace.
/// A comment character right after other text, as in `value;x`, is part of
/// the value.
fn strip_inline_comment(value: &str) -> &str {
    let mut previous_is_whitespace = false;
    for (index, character) in value.char_indices() {
        if previous_is_whitespace && (character == '#' || character == ';') {
            return value.get(..index).unwrap_or(value);
        }
        previous_is_whitespace = character.is_whitespace();
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(text: &str) -> ProfileParseError {
        match parse_file(text, FileKind::Config) {
            Ok(sections) => panic!("expected a parse error, got {sections:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn inline_comment_needs_whitespace() {
        assert_eq!(strip_inline_comment(" value # c"), " value ");
        assert_eq!(strip_inline_comment(" value\t; c"), " value\t");
        assert_eq!(strip_inline_comment(" value;c"), " value;c");
        assert_eq!(strip_inline_comment("#value"), "#value");
        assert_eq!(strip_inline_comment(" #"), " ");
    }

    #[test]
    fn header_comment_may_touch_bracket() {
        assert_eq!(parse_header("[profile foo];c"), Ok("profile foo"));
        assert_eq!(parse_header("[ default ] # c"), Ok("default"));
        assert_eq!(
            parse_header("[profile foo] trailing"),
            Err(ParseErrorKind::MissingClosingBracket)
        );
        assert_eq!(
            parse_header("["),
            Err(ParseErrorKind::MissingClosingBracket)
        );
    }

    #[test]
    fn error_names_file_line_and_fix() {
        let error = parse_error("[default]\nregion = us-east-1\n\nbad line");
        assert_eq!(error.line(), 4);
        assert_eq!(error.file(), FileKind::Config);
        assert_eq!(
            error.to_string(),
            "failed to parse the AWS config file at line 4: Expected an '=' sign \
             defining a property. Write the property as 'name = value'."
        );
    }

    #[test]
    fn error_names_path_when_given() {
        let error = parse_error("[profile foo").with_path(Path::new("/home/user/.aws/config"));
        assert_eq!(error.path(), Some(Path::new("/home/user/.aws/config")));
        assert!(
            error.to_string().starts_with(
                "failed to parse the AWS config file /home/user/.aws/config at line 1: "
            ),
            "{error}"
        );
    }

    #[test]
    fn error_omits_line_text() {
        let error = parse_error("[default]\naws_secret_access_key: wJalrXUtnFEMI");
        let message = error.to_string();
        let debug = format!("{error:?}");
        assert!(!message.contains("wJalrXUtnFEMI"), "{message}");
        assert!(!debug.contains("wJalrXUtnFEMI"), "{debug}");
        assert!(!message.contains("aws_secret_access_key"), "{message}");
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let sections = parse_file("\u{feff}[default]\nregion = x", FileKind::Config).unwrap();
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].header, "default");
    }

    #[test]
    fn sub_properties_keep_pairs() {
        let text = "[services s]\nsts =\n  endpoint_url = http://127.0.0.1:8080\n\n  other = 1";
        let sections = parse_file(text, FileKind::Config).unwrap();
        let property = &sections[0].properties[0];
        assert_eq!(property.name, "sts");
        assert_eq!(property.line, 2);
        assert_eq!(
            property.value,
            "\nendpoint_url = http://127.0.0.1:8080\nother = 1"
        );
        assert_eq!(
            property.sub_properties,
            vec![("endpoint_url", "http://127.0.0.1:8080"), ("other", "1")]
        );
    }

    #[test]
    fn comment_value_opens_sub_properties() {
        // The value is empty once the comment is cut, so sub-properties follow.
        let text = "[default]\ns3 = # comment\n  addressing_style = path";
        let sections = parse_file(text, FileKind::Config).unwrap();
        let property = &sections[0].properties[0];
        assert_eq!(property.sub_properties, vec![("addressing_style", "path")]);
    }

    #[test]
    fn indented_comment_is_skipped() {
        let text = "[default]\nname = value\n  # note\n  -more";
        let sections = parse_file(text, FileKind::Config).unwrap();
        assert_eq!(sections[0].properties[0].value, "value\n-more");
    }
}
