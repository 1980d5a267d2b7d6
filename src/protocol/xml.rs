//! Tolerant parsing of STS XML responses and error documents.
//!
//! A body is read into a small element tree keyed by local names, so namespace prefixes,
//! element order, whitespace, comments and CDATA sections do not matter. Limits on depth and
//! element count keep hostile bodies from using unbounded memory or stack.

use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::Reader;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Maximum element nesting; STS documents nest five levels deep.
const MAX_DEPTH: usize = 32;
/// Maximum number of elements in one document.
const MAX_ELEMENTS: usize = 10_000;

/// One XML element: its local name, its text (the concatenation of its text and CDATA
/// children) and its child elements.
///
/// Its `Debug` shows names and text lengths, because response text can hold credentials.
#[derive(Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Element>,
}

impl std::fmt::Debug for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Element")
            .field("name", &self.name)
            .field("text_bytes", &self.text.len())
            .field("children", &self.children)
            .finish()
    }
}

/// The reason a body could not be read as the expected document. The message never contains text
/// from the body, because bodies may hold credentials.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct XmlError(pub(crate) String);

impl XmlError {
    fn new(message: impl Into<String>) -> XmlError {
        XmlError(message.into())
    }
}

/// Parses `body` into its root element.
pub(crate) fn parse_document(body: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(body);
    let mut stack: Vec<Element> = Vec::new();
    let mut element_count = 0usize;

    loop {
        let event = reader.read_event().map_err(|error| {
            XmlError::new(format!(
                "malformed XML at byte {}: {error}",
                reader.error_position()
            ))
        })?;
        match event {
            Event::Start(start) | Event::Empty(start) if stack.len() >= MAX_DEPTH => {
                let _ = start;
                return Err(XmlError::new(format!(
                    "elements nested deeper than {MAX_DEPTH} levels"
                )));
            }
            Event::Start(start) => {
                element_count += 1;
                if element_count > MAX_ELEMENTS {
                    return Err(XmlError::new(format!("more than {MAX_ELEMENTS} elements")));
                }
                stack.push(Element {
                    name: start.local_name().into_inner().to_string(),
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                element_count += 1;
                if element_count > MAX_ELEMENTS {
                    return Err(XmlError::new(format!("more than {MAX_ELEMENTS} elements")));
                }
                let element = Element {
                    name: start.local_name().into_inner().to_string(),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return finish_root(element, &mut reader),
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| XmlError::new("unexpected end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return finish_root(element, &mut reader),
                }
            }
            Event::Text(text) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&text.xml10_content());
                } else if !text.trim_ascii().is_empty() {
                    return Err(XmlError::new("text outside the root element"));
                }
            }
            Event::CData(data) => match stack.last_mut() {
                Some(current) => current.text.push_str(&data.into_inner()),
                None => return Err(XmlError::new("CDATA outside the root element")),
            },
            Event::GeneralRef(reference) => {
                let current = stack
                    .last_mut()
                    .ok_or_else(|| XmlError::new("entity reference outside the root element"))?;
                push_reference(&mut current.text, &reference)?;
            }
            Event::Eof => {
                return Err(XmlError::new(if stack.is_empty() {
                    "empty document"
                } else {
                    "document ends before its root element is closed"
                }))
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}

/// Checks that nothing but whitespace, comments and processing instructions follows the root.
fn finish_root(root: Element, reader: &mut Reader<&[u8]>) -> Result<Element, XmlError> {
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return Ok(root),
            Ok(Event::Text(text)) if text.trim_ascii().is_empty() => {}
            Ok(Event::Comment(_) | Event::PI(_)) => {}
            Ok(_) => return Err(XmlError::new("content after the root element")),
            Err(error) => {
                return Err(XmlError::new(format!(
                    "malformed XML after the root element: {error}"
                )))
            }
        }
    }
}

fn push_reference(
    text: &mut String,
    reference: &quick_xml::events::BytesRef<'_>,
) -> Result<(), XmlError> {
    if let Ok(Some(character)) = reference.resolve_char_ref() {
        text.push(character);
        return Ok(());
    }
    let resolved = match &*reference.xml10_content() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return Err(XmlError::new("unknown entity reference")),
    };
    text.push(resolved);
    Ok(())
}

impl Element {
    /// Returns the only child named `name`, `None` when there is none, or an error when the
    /// child appears more than once.
    pub(crate) fn child(&self, name: &str) -> Result<Option<&Element>, XmlError> {
        let mut found = None;
        for child in self.children.iter().filter(|child| child.name == name) {
            if found.is_some() {
                return Err(XmlError::new(format!(
                    "<{name}> appears more than once in <{}>",
                    self.name
                )));
            }
            found = Some(child);
        }
        Ok(found)
    }

    /// Returns the child named `name`, or an error naming it when it is missing.
    pub(crate) fn required_child(&self, name: &str) -> Result<&Element, XmlError> {
        self.child(name)?.ok_or_else(|| {
            XmlError::new(format!(
                "required element <{name}> is missing from <{}>",
                self.name
            ))
        })
    }

    /// Returns the text of the child named `name`, or an error when it is missing or empty.
    pub(crate) fn required_text(&self, name: &str) -> Result<String, XmlError> {
        let text = self.required_child(name)?.text.trim();
        if text.is_empty() {
            return Err(XmlError::new(format!(
                "required element <{name}> in <{}> is empty",
                self.name
            )));
        }
        Ok(text.to_string())
    }

    /// Returns the trimmed text of the optional child named `name`.
    pub(crate) fn optional_text(&self, name: &str) -> Result<Option<String>, XmlError> {
        Ok(self.child(name)?.map(|child| child.text.trim().to_string()))
    }

    /// Returns the optional child named `name` parsed as an integer.
    pub(crate) fn optional_integer(&self, name: &str) -> Result<Option<i32>, XmlError> {
        match self.optional_text(name)? {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                XmlError::new(format!("<{name}> in <{}> is not an integer", self.name))
            }),
        }
    }

    /// Returns the entries of the optional non-flattened map named `name`, written as
    /// `<name><entry><key>K</key><value>V</value></entry>...</name>`, in document order.
    ///
    /// Each entry must have exactly one `<key>` and one `<value>`; a key that appears twice is
    /// an error, as a map cannot hold it.
    pub(crate) fn optional_map_entries(
        &self,
        name: &str,
    ) -> Result<Option<Vec<(String, &Element)>>, XmlError> {
        let Some(map) = self.child(name)? else {
            return Ok(None);
        };
        let mut entries: Vec<(String, &Element)> = Vec::new();
        for entry in map.children.iter().filter(|child| child.name == "entry") {
            let key = entry.required_child("key")?.text.trim().to_string();
            if entries.iter().any(|(seen, _)| *seen == key) {
                return Err(XmlError::new(format!(
                    "<{name}> has more than one entry with the same key"
                )));
            }
            entries.push((key, entry.required_child("value")?));
        }
        Ok(Some(entries))
    }

    /// Returns the optional non-flattened map named `name` whose values are strings.
    pub(crate) fn optional_string_map(
        &self,
        name: &str,
    ) -> Result<Option<BTreeMap<String, String>>, XmlError> {
        Ok(self.optional_map_entries(name)?.map(|entries| {
            entries
                .into_iter()
                .map(|(key, value)| (key, value.text.trim().to_string()))
                .collect()
        }))
    }

    /// Returns the required child named `name` parsed as an ISO 8601 date-time.
    pub(crate) fn required_timestamp(&self, name: &str) -> Result<OffsetDateTime, XmlError> {
        let text = self.required_text(name)?;
        parse_timestamp(&text).ok_or_else(|| {
            XmlError::new(format!(
                "<{name}> in <{}> is not an ISO 8601 date-time",
                self.name
            ))
        })
    }

    /// Returns the optional child named `name` parsed as an ISO 8601 date-time.
    pub(crate) fn optional_timestamp(
        &self,
        name: &str,
    ) -> Result<Option<OffsetDateTime>, XmlError> {
        match self.optional_text(name)? {
            None => Ok(None),
            Some(text) => parse_timestamp(&text).map(Some).ok_or_else(|| {
                XmlError::new(format!(
                    "<{name}> in <{}> is not an ISO 8601 date-time",
                    self.name
                ))
            }),
        }
    }
}

/// Parses an ISO 8601 date-time with 0 to 9 fractional digits and `Z` or a numeric offset.
pub(crate) fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// The parts of an STS error document.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ErrorDocument {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) fault: Option<String>,
    pub(crate) request_id: Option<String>,
}

/// Reads an error document whose `<Error>` is directly under `<ErrorResponse>` (as STS
/// sends it) or under `<ErrorResponse><Errors>` (as moto sends authentication errors).
pub(crate) fn parse_error_document(root: &Element) -> Result<ErrorDocument, XmlError> {
    if root.name != "ErrorResponse" && root.name != "Response" {
        return Err(XmlError::new(format!(
            "expected <ErrorResponse>, found <{}>",
            root.name
        )));
    }
    let error = match root.child("Error")? {
        Some(error) => error,
        None => root.required_child("Errors")?.required_child("Error")?,
    };
    let request_id = match root.optional_text("RequestId")? {
        Some(id) => Some(id),
        None => root.optional_text("RequestID")?,
    };
    Ok(ErrorDocument {
        code: error.required_text("Code")?,
        message: error.optional_text("Message")?.unwrap_or_default(),
        fault: error.optional_text("Type")?,
        request_id: request_id.filter(|id| !id.is_empty()),
    })
}

/// Finds `<{operation}Result>` and the request id in a success document.
///
/// A document with only `<ResponseMetadata>` is accepted and yields an empty result element,
/// so operations without output members still parse.
pub(crate) fn parse_success_document(
    root: Element,
    operation: &str,
) -> Result<(Element, Option<String>), XmlError> {
    let expected_root = format!("{operation}Response");
    if root.name != expected_root {
        return Err(XmlError::new(format!(
            "expected <{expected_root}>, found <{}>",
            root.name
        )));
    }
    let request_id = match root.child("ResponseMetadata")? {
        Some(metadata) => metadata
            .optional_text("RequestId")?
            .filter(|id| !id.is_empty()),
        None => None,
    };
    let result_name = format!("{operation}Result");
    root.child(&result_name)?;
    let result = root
        .children
        .into_iter()
        .find(|child| child.name == result_name)
        .unwrap_or_else(|| Element {
            name: result_name,
            ..Element::default()
        });
    Ok((result, request_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_cdata_and_entities() {
        let root = parse_document(
            "<?xml version=\"1.0\"?>\n<a:Root xmlns:a=\"urn:x\"><a:Name><![CDATA[x<y]]>&amp;&#65;</a:Name><!-- c --></a:Root>\n",
        )
        .unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.required_text("Name").unwrap(), "x<y&A");
    }

    #[test]
    fn duplicate_child_is_an_error() {
        let root = parse_document("<R><A>1</A><A>2</A></R>").unwrap();
        assert_eq!(
            root.child("A").unwrap_err(),
            XmlError("<A> appears more than once in <R>".to_string())
        );
    }

    #[test]
    fn malformed_documents_are_errors() {
        for body in [
            "",
            "   ",
            "<R>",
            "<R></S>",
            "<R/><S/>",
            "text",
            "<R>&bogus;</R>",
            "{\"json\":1}",
        ] {
            assert!(parse_document(body).is_err(), "accepted {body:?}");
        }
    }

    #[test]
    fn depth_limit() {
        let body = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(
            parse_document(&body).unwrap_err(),
            XmlError(format!("elements nested deeper than {MAX_DEPTH} levels"))
        );
        let body = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse_document(&body).is_ok());
    }

    #[test]
    fn element_count_limit() {
        let body = format!("<r>{}</r>", "<a/>".repeat(MAX_ELEMENTS));
        assert_eq!(
            parse_document(&body).unwrap_err(),
            XmlError(format!("more than {MAX_ELEMENTS} elements"))
        );
    }

    #[test]
    fn timestamps_with_fractions_and_offsets() {
        for (text, unix) in [
            ("2011-07-15T23:28:33Z", 1_310_772_513),
            ("2011-07-15T23:28:33.359Z", 1_310_772_513),
            ("2011-07-15T23:28:33.123456789Z", 1_310_772_513),
            ("2011-07-15T23:28:33.1-01:00", 1_310_776_113),
            ("2011-07-16T01:28:33+02:00", 1_310_772_513),
        ] {
            assert_eq!(
                parse_timestamp(text).map(|t| t.unix_timestamp()),
                Some(unix),
                "{text}"
            );
        }
        assert_eq!(parse_timestamp("2011-07-15 23:28:33"), None);
    }

    #[test]
    fn error_document_in_both_layouts() {
        let sts = parse_document(
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r1</RequestId></ErrorResponse>",
        )
        .unwrap();
        let moto = parse_document(
            "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code></Error></Errors><RequestID>r2</RequestID></ErrorResponse>",
        )
        .unwrap();
        assert_eq!(
            parse_error_document(&sts).unwrap(),
            ErrorDocument {
                code: "AccessDenied".into(),
                message: "no".into(),
                fault: Some("Sender".into()),
                request_id: Some("r1".into())
            }
        );
        assert_eq!(
            parse_error_document(&moto).unwrap(),
            ErrorDocument {
                code: "SignatureDoesNotMatch".into(),
                message: String::new(),
                fault: None,
                request_id: Some("r2".into())
            }
        );
    }

    #[test]
    fn success_document_root_must_match() {
        let root =
            parse_document("<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>").unwrap();
        assert_eq!(
            parse_success_document(root, "GetCallerIdentity").unwrap_err(),
            XmlError("expected <GetCallerIdentityResponse>, found <AssumeRoleResponse>".into())
        );
    }
}
