//! Interpretation of parsed sections as profiles, `sso-session` sections and
//! `services` sections, and merging of the config and credentials files.

use std::collections::BTreeMap;

use super::parser::{parse_file, FileKind, ProfileParseError, RawProperty, RawSection};
use super::section::{is_valid_name, Property, Section};

/// Allowed name characters, as log messages state them.
const VALID_NAME_HINT: &str = "names may contain only ASCII letters, digits and - / . % @ _ : +";

/// All profiles, `sso-session` sections and `services` sections from the
/// shared config and credentials files.
///
/// Rules, as the profile parser conformance suite defines them:
/// - In the config file, profiles are `[profile NAME]` or `[default]`, and
///   `[sso-session NAME]` and `[services NAME]` are their own sections.
///   Other sections, such as `[foo]` or the AWS CLI's `[plugins]`, are
///   ignored.
/// - If the config file has any `[profile default]` section, its `[default]`
///   sections are ignored.
/// - In the credentials file, every section `[NAME]` is a profile.
/// - Sections, properties and sub-properties with invalid names are
///   ignored and logged at warn level. A valid name is not empty and
///   contains only ASCII letters, digits and `- / . % @ _ : +`.
/// - Sections of one kind with the same name are merged, and a later
///   property replaces an earlier one of the same name. The credentials file
///   is applied after the config file, so it wins per property.
#[derive(Debug, Default)]
pub(crate) struct ProfileSet {
    profiles: BTreeMap<String, Section>,
    sso_sessions: BTreeMap<String, Section>,
    services: BTreeMap<String, Section>,
}

impl ProfileSet {
    /// Parses the config and credentials file texts and merges them.
    ///
    /// `None` is a missing file and parses like an empty one. Returns the
    /// first syntax error. Invalid names are not errors, because the
    /// conformance suite requires that they be ignored.
    pub(crate) fn parse(
        config: Option<&str>,
        credentials: Option<&str>,
    ) -> Result<ProfileSet, ProfileParseError> {
        let config_sections = parse_file(config.unwrap_or_default(), FileKind::Config)?;
        let credentials_sections =
            parse_file(credentials.unwrap_or_default(), FileKind::Credentials)?;

        let mut set = ProfileSet::default();
        set.merge_file(&config_sections, FileKind::Config);
        set.merge_file(&credentials_sections, FileKind::Credentials);
        Ok(set)
    }

    /// Returns the profile with this name. Profile names are case-sensitive.
    pub(crate) fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// Returns the `[sso-session NAME]` section with this name.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// Returns the `[services NAME]` section with this name.
    pub(crate) fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }

    /// Returns the profile names, sorted.
    pub(crate) fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    fn merge_file(&mut self, sections: &[RawSection<'_>], file: FileKind) {
        let has_prefixed_default = sections.iter().any(|section| {
            matches!(
                classify(section.header, file),
                SectionKind::Profile("default")
            )
        });

        for section in sections {
            let (target, name) = match classify(section.header, file) {
                SectionKind::Profile(name) => (&mut self.profiles, name),
                SectionKind::BareDefault if has_prefixed_default => {
                    log::debug!(
                        "ignoring section [default] at line {} of the {file} because the file \
                         also has [profile default]",
                        section.line
                    );
                    continue;
                }
                SectionKind::BareDefault => (&mut self.profiles, "default"),
                SectionKind::SsoSession(name) => (&mut self.sso_sessions, name),
                SectionKind::Services(name) => (&mut self.services, name),
                SectionKind::Other => {
                    log::debug!(
                        "ignoring section [{}] at line {} of the {file}: it is not [default], \
                         [profile NAME], [sso-session NAME] or [services NAME]",
                        section.header,
                        section.line
                    );
                    continue;
                }
            };

            if !is_valid_name(name) {
                log::warn!(
                    "ignoring section [{}] at line {} of the {file}: {name:?} is not a valid name; \
                     {VALID_NAME_HINT}",
                    section.header,
                    section.line
                );
                continue;
            }

            let merged = target
                .entry(name.to_owned())
                .or_insert_with(|| Section::new(name));
            for raw in &section.properties {
                if let Some((property_name, property)) = convert_property(raw, file) {
                    merged.insert(property_name, property);
                }
            }
        }
    }
}

/// Meaning of a section header.
#[derive(Debug, PartialEq, Eq)]
enum SectionKind<'a> {
    /// A profile with this name: `[profile NAME]` in the config file, or any
    /// `[NAME]` in the credentials file.
    Profile(&'a str),
    /// `[default]` in the config file.
    BareDefault,
    /// `[sso-session NAME]` in the config file.
    SsoSession(&'a str),
    /// `[services NAME]` in the config file.
    Services(&'a str),
    /// Any other config file section.
    Other,
}

fn classify(header: &str, file: FileKind) -> SectionKind<'_> {
    if file == FileKind::Credentials {
        return SectionKind::Profile(header);
    }
    if header == "default" {
        return SectionKind::BareDefault;
    }
    if let Some(name) = strip_keyword(header, "profile") {
        return SectionKind::Profile(name);
    }
    if let Some(name) = strip_keyword(header, "sso-session") {
        return SectionKind::SsoSession(name);
    }
    if let Some(name) = strip_keyword(header, "services") {
        return SectionKind::Services(name);
    }
    SectionKind::Other
}

/// Returns the trimmed name after `keyword` when whitespace separates them,
/// so `profile foo` gives `foo` but `profilefoo` gives `None`.
fn strip_keyword<'a>(header: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = header.strip_prefix(keyword)?;
    if rest.starts_with(char::is_whitespace) {
        Some(rest.trim())
    } else {
        None
    }
}

/// Returns the lowercase name and the property, or `None` when the name is
/// invalid. Sub-properties with invalid names are left out of the lookup
/// map but stay in the value text.
fn convert_property(raw: &RawProperty<'_>, file: FileKind) -> Option<(String, Property)> {
    if !is_valid_name(raw.name) {
        // The name is not logged: a malformed line could be a value.
        log::warn!(
            "ignoring the property at line {} of the {file}: its name is not valid; {VALID_NAME_HINT}",
            raw.line
        );
        return None;
    }

    let mut sub_properties = BTreeMap::new();
    for (sub_name, sub_value) in &raw.sub_properties {
        if is_valid_name(sub_name) {
            sub_properties.insert(sub_name.to_ascii_lowercase(), (*sub_value).to_owned());
        } else {
            log::warn!(
                "ignoring a sub-property of the property at line {} of the {file}: its name is \
                 not valid; {VALID_NAME_HINT}",
                raw.line
            );
        }
    }

    let property = Property::new(raw.value.clone(), sub_properties);
    Some((raw.name.to_ascii_lowercase(), property))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    type SectionMap = BTreeMap<String, BTreeMap<String, String>>;

    /// Test cases from smithy-lang/smithy-rs, with the licence in
    /// fixtures/NOTICE.
    const PARSER_SUITE: &str =
        include_str!("../../../fixtures/shared-config/smithy-rs-profile-parser-tests.json");

    fn actual_map(sections: &BTreeMap<String, Section>) -> SectionMap {
        sections
            .iter()
            .map(|(name, section)| {
                let properties = section
                    .properties()
                    .map(|(key, value)| (key.to_owned(), value.to_owned()))
                    .collect();
                (name.clone(), properties)
            })
            .collect()
    }

    /// Reads an expected `{name: {key: value}}` object. A missing object
    /// means no sections of that kind.
    fn expected_map(value: Option<&Value>) -> Result<SectionMap, String> {
        let Some(value) = value else {
            return Ok(SectionMap::new());
        };
        let sections = value
            .as_object()
            .ok_or("expected sections are not an object")?;
        let mut map = SectionMap::new();
        for (name, properties) in sections {
            let properties = properties
                .as_object()
                .ok_or_else(|| format!("expected properties of {name:?} are not an object"))?;
            let mut converted = BTreeMap::new();
            for (key, value) in properties {
                let value = value
                    .as_str()
                    .ok_or_else(|| format!("expected value of {name:?}.{key:?} is not a string"))?;
                converted.insert(key.clone(), value.to_owned());
            }
            map.insert(name.clone(), converted);
        }
        Ok(map)
    }

    fn optional_str<'a>(object: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
        match object.get(key) {
            None => Ok(None),
            Some(value) => value
                .as_str()
                .map(Some)
                .ok_or_else(|| format!("{key} is not a string")),
        }
    }

    /// Runs one parser case and describes the mismatch, if any.
    fn check_parser_case(case: &Value) -> Result<(), String> {
        let input = case.get("input").ok_or("case has no input")?;
        let output = case.get("output").ok_or("case has no output")?;
        let result = ProfileSet::parse(
            optional_str(input, "configFile")?,
            optional_str(input, "credentialsFile")?,
        );

        if let Some(expected_error) = optional_str(output, "errorContaining")? {
            return match result {
                Ok(set) => Err(format!(
                    "expected an error containing {expected_error:?}, parsed {set:?}"
                )),
                Err(error) if error.to_string().contains(expected_error) => Ok(()),
                Err(error) => Err(format!(
                    "error {:?} does not contain {expected_error:?}",
                    error.to_string()
                )),
            };
        }

        let expected = output
            .get("config")
            .ok_or("output has neither config nor errorContaining")?;
        let set = result.map_err(|error| format!("unexpected error: {error}"))?;
        let comparisons = [
            ("profiles", &set.profiles),
            ("sso_sessions", &set.sso_sessions),
            ("services", &set.services),
        ];
        let mut mismatches = Vec::new();
        for (key, sections) in comparisons {
            let expected = expected_map(expected.get(key))?;
            let actual = actual_map(sections);
            if actual != expected {
                mismatches.push(format!("{key}: expected {expected:?}, got {actual:?}"));
            }
        }
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(mismatches.join("; "))
        }
    }

    #[test]
    fn profile_parser_conformance() {
        let suite: Value = serde_json::from_str(PARSER_SUITE).expect("parser suite is valid JSON");
        let cases = suite["tests"]
            .as_array()
            .expect("parser suite has a tests array");
        assert_eq!(cases.len(), 65, "case count of the parser suite");

        let mut failures = Vec::new();
        for (index, case) in cases.iter().enumerate() {
            let name = case["name"].as_str().unwrap_or("(unnamed)");
            if let Err(mismatch) = check_parser_case(case) {
                failures.push(format!("case {index} {name:?}: {mismatch}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} parser cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn services_section_sub_properties() {
        let config = "[profile dev]\n\
            services = local\n\
            [services local]\n\
            sts =\n  \
              endpoint_url = http://127.0.0.1:4566\n\
            s3 =\n  \
              endpoint_url = http://127.0.0.1:9000\n";
        let set = ProfileSet::parse(Some(config), None).unwrap();
        let services_name = set
            .profile("dev")
            .and_then(|profile| profile.get("services"));
        assert_eq!(services_name, Some("local"));
        let services = set.services("local").unwrap();
        assert_eq!(services.name(), "local");
        assert_eq!(
            services.get_sub("sts", "endpoint_url"),
            Some("http://127.0.0.1:4566")
        );
        assert_eq!(
            services.get_sub("s3", "endpoint_url"),
            Some("http://127.0.0.1:9000")
        );
        assert!(set.profile("local").is_none());
    }

    #[test]
    fn sso_session_lookup() {
        let config = "[sso-session corp]\nsso_region = eu-west-1\n[profile p]\nsso_session = corp";
        let set = ProfileSet::parse(Some(config), None).unwrap();
        let session = set.sso_session("corp").unwrap();
        assert_eq!(session.get("sso_region"), Some("eu-west-1"));
        assert!(set.sso_session("p").is_none());
        assert!(set.profile("corp").is_none());
    }

    #[test]
    fn credentials_file_has_only_profiles() {
        let credentials = "[sso-session corp]\nsso_region = x\n[services s]\na = 1\n[corp]\nb = 2";
        let set = ProfileSet::parse(None, Some(credentials)).unwrap();
        assert!(set.sso_session("corp").is_none());
        assert!(set.services("s").is_none());
        assert_eq!(set.profile_names().collect::<Vec<_>>(), vec!["corp"]);
    }

    #[test]
    fn credentials_replace_whole_property() {
        let config = "[profile p]\ns3 =\n  addressing_style = path\n  region = x";
        let credentials = "[p]\ns3 =\n  addressing_style = virtual";
        let set = ProfileSet::parse(Some(config), Some(credentials)).unwrap();
        let profile = set.profile("p").unwrap();
        assert_eq!(profile.get_sub("s3", "addressing_style"), Some("virtual"));
        assert_eq!(profile.get_sub("s3", "region"), None);
    }

    #[test]
    fn profile_names_are_case_sensitive() {
        let set =
            ProfileSet::parse(Some("[profile Dev]\na = 1\n[profile dev]\na = 2"), None).unwrap();
        assert_eq!(set.profile("Dev").and_then(|p| p.get("a")), Some("1"));
        assert_eq!(set.profile("dev").and_then(|p| p.get("a")), Some("2"));
        assert!(set.profile("DEV").is_none());
    }

    #[test]
    fn invalid_sub_property_name_skipped() {
        let set =
            ProfileSet::parse(Some("[profile p]\ns3 =\n  in valid = 1\n  ok = 2"), None).unwrap();
        let profile = set.profile("p").unwrap();
        assert_eq!(profile.get("s3"), Some("\nin valid = 1\nok = 2"));
        assert_eq!(profile.get_sub("s3", "in valid"), None);
        assert_eq!(profile.get_sub("s3", "ok"), Some("2"));
    }

    #[test]
    fn errors_name_their_file() {
        let config_error = ProfileSet::parse(Some("[default"), Some("[default]")).unwrap_err();
        assert_eq!(config_error.file(), FileKind::Config);
        let credentials_error =
            ProfileSet::parse(Some("[default]"), Some("[default]\n\n=x")).unwrap_err();
        assert_eq!(credentials_error.file(), FileKind::Credentials);
        assert_eq!(credentials_error.line(), 3);
        assert!(
            credentials_error
                .to_string()
                .starts_with("failed to parse the AWS credentials file at line 3: "),
            "{credentials_error}"
        );
    }

    #[test]
    fn classify_headers() {
        let config = FileKind::Config;
        assert_eq!(classify("default", config), SectionKind::BareDefault);
        assert_eq!(
            classify("profile\tfoo", config),
            SectionKind::Profile("foo")
        );
        assert_eq!(classify("profile", config), SectionKind::Other);
        assert_eq!(classify("profilefoo", config), SectionKind::Other);
        assert_eq!(
            classify("sso-session a", config),
            SectionKind::SsoSession("a")
        );
        assert_eq!(classify("services  b ", config), SectionKind::Services("b"));
        assert_eq!(classify("plugins", config), SectionKind::Other);
        assert_eq!(
            classify("profile foo", FileKind::Credentials),
            SectionKind::Profile("profile foo")
        );
    }

    /// Parses many pseudo-random texts built from the characters that drive
    /// the grammar, to check that no input panics.
    #[test]
    fn random_input_never_panics() {
        const ALPHABET: [char; 16] = [
            '[', ']', '=', ' ', '\t', '\n', '\r', '#', ';', 'a', 'p', '\u{e9}', '\u{feff}',
            '\u{3000}', '-', '_',
        ];
        const KEYWORDS: [&str; 4] = ["profile ", "default", "sso-session ", "services "];
        // xorshift64 with a fixed seed, so a failing input reproduces.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = next() % 64;
            let mut text = String::new();
            for _ in 0..length {
                let pick = next();
                if pick % 10 == 0 {
                    text.push_str(KEYWORDS[(pick / 10 % KEYWORDS.len() as u64) as usize]);
                } else {
                    text.push(ALPHABET[(pick / 10 % ALPHABET.len() as u64) as usize]);
                }
            }
            let _ = ProfileSet::parse(Some(&text), Some(&text));
        }
    }
}
