//! AWS partition data and the region lookup behind the `aws.partition`
//! rule-set function.
//!
//! The table is `botocore/data/partitions.json` (format version 1.1) from
//! the botocore 1.44.8 package, written out as Rust so that nothing is read
//! or parsed at run time. A test compares it field by field with the same
//! JSON under `fixtures/endpoint-rules/`.

use std::sync::OnceLock;

/// One AWS partition: the regions it owns and the values `aws.partition`
/// returns for them.
#[derive(Debug)]
pub(super) struct Partition {
    pub(super) id: &'static str,
    /// Regular expression for region names in this partition, in the subset
    /// that [`RegionPattern`] supports.
    pub(super) region_regex: &'static str,
    /// Regions listed by name, which take precedence over every regex.
    pub(super) regions: &'static [&'static str],
    pub(super) outputs: PartitionOutputs,
}

/// The attributes of an `aws.partition` result.
#[derive(Debug)]
pub(super) struct PartitionOutputs {
    pub(super) name: &'static str,
    pub(super) dns_suffix: &'static str,
    pub(super) dual_stack_dns_suffix: &'static str,
    pub(super) supports_fips: bool,
    pub(super) supports_dual_stack: bool,
    pub(super) implicit_global_region: &'static str,
}

static AWS: Partition = Partition {
    id: "aws",
    region_regex: r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
    regions: &[
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "aws-global",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "me-west-1",
        "mx-central-1",
        "sa-east-1",
        "sa-west-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    ],
    outputs: PartitionOutputs {
        name: "aws",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    },
};

static AWS_CN: Partition = Partition {
    id: "aws-cn",
    region_regex: r"^cn\-\w+\-\d+$",
    regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
    outputs: PartitionOutputs {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "cn-northwest-1",
    },
};

static AWS_EUSC: Partition = Partition {
    id: "aws-eusc",
    region_regex: r"^eusc\-(de)\-\w+\-\d+$",
    regions: &["eusc-de-east-1"],
    outputs: PartitionOutputs {
        name: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eusc-de-east-1",
    },
};

static AWS_ISO: Partition = Partition {
    id: "aws-iso",
    region_regex: r"^us\-iso\-\w+\-\d+$",
    regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
    outputs: PartitionOutputs {
        name: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-iso-east-1",
    },
};

static AWS_ISO_B: Partition = Partition {
    id: "aws-iso-b",
    region_regex: r"^us\-isob\-\w+\-\d+$",
    regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
    outputs: PartitionOutputs {
        name: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-isob-east-1",
    },
};

static AWS_ISO_E: Partition = Partition {
    id: "aws-iso-e",
    region_regex: r"^eu\-isoe\-\w+\-\d+$",
    regions: &["aws-iso-e-global", "eu-isoe-west-1"],
    outputs: PartitionOutputs {
        name: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eu-isoe-west-1",
    },
};

static AWS_ISO_F: Partition = Partition {
    id: "aws-iso-f",
    region_regex: r"^us\-isof\-\w+\-\d+$",
    regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
    outputs: PartitionOutputs {
        name: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-isof-south-1",
    },
};

static AWS_US_GOV: Partition = Partition {
    id: "aws-us-gov",
    region_regex: r"^us\-gov\-\w+\-\d+$",
    regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
    outputs: PartitionOutputs {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-gov-west-1",
    },
};

pub(super) static PARTITIONS: [&Partition; 8] = [
    &AWS,
    &AWS_CN,
    &AWS_EUSC,
    &AWS_ISO,
    &AWS_ISO_B,
    &AWS_ISO_E,
    &AWS_ISO_F,
    &AWS_US_GOV,
];

/// Returns the partition of `region`.
///
/// A partition that lists the region by name wins. Otherwise the first
/// partition, in table order, whose regex matches wins, and a region that
/// matches nothing belongs to `aws`.
pub(super) fn partition_for_region(region: &str) -> &'static Partition {
    if let Some(partition) = PARTITIONS.iter().find(|p| p.regions.contains(&region)) {
        return partition;
    }

    let by_regex = PARTITIONS
        .iter()
        .zip(region_patterns())
        .find(|(_, pattern)| pattern.as_ref().is_some_and(|p| p.matches(region)));
    match by_regex {
        Some((partition, _)) => partition,
        None => &AWS,
    }
}

/// Returns the compiled region regex of each entry of [`PARTITIONS`], in the
/// same order. An entry is `None` when its regex uses syntax that
/// [`RegionPattern`] does not support, and such a partition is then found
/// only through its listed regions.
fn region_patterns() -> &'static [Option<RegionPattern>] {
    static PATTERNS: OnceLock<Vec<Option<RegionPattern>>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        PARTITIONS
            .iter()
            .map(
                |partition| match RegionPattern::compile(partition.region_regex) {
                    Ok(pattern) => Some(pattern),
                    Err(message) => {
                        log::error!(
                            "ignoring the region regex of partition {}: {message}",
                            partition.id
                        );
                        None
                    }
                },
            )
            .collect()
    })
}

/// A compiled region regex.
///
/// Only the syntax that partition data uses is supported. A pattern is
/// anchored by `^` and `$` and contains letters, digits, `-`, `_`, escaped
/// ASCII punctuation such as `\-`, and the classes `\w` and `\d`, each
/// optionally followed by `+`. It may also contain groups of literal
/// alternatives such as `(us|eu)`. Matching backtracks, so it agrees with a
/// regex engine on this subset.
///
/// NOTE: `\w` and `\d` match ASCII only (`[A-Za-z0-9_]` and `[0-9]`), and
/// `$` matches only at the very end. Python's `re`, which botocore uses,
/// also matches non-ASCII letters and digits, and matches `$` before a final
/// newline, so such region names may get another partition than in botocore.
#[derive(Debug)]
pub(super) struct RegionPattern {
    items: Vec<PatternItem>,
}

#[derive(Debug)]
enum PatternItem {
    Char { class: CharClass, repeated: bool },
    Alternatives(Vec<String>),
}

#[derive(Debug)]
enum CharClass {
    Literal(char),
    Word,
    Digit,
}

impl CharClass {
    fn matches(&self, c: char) -> bool {
        match self {
            CharClass::Literal(expected) => c == *expected,
            CharClass::Word => c.is_ascii_alphanumeric() || c == '_',
            CharClass::Digit => c.is_ascii_digit(),
        }
    }
}

impl RegionPattern {
    /// Compiles `pattern`, or returns a message naming the first construct
    /// outside the supported subset.
    pub(super) fn compile(pattern: &str) -> Result<RegionPattern, String> {
        let body = pattern
            .strip_prefix('^')
            .and_then(|rest| rest.strip_suffix('$'))
            .filter(|body| !body.ends_with('\\'))
            .ok_or_else(|| format!("regex `{pattern}` is not anchored with ^ and $"))?;

        let mut items = Vec::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            let class = match c {
                '\\' => match chars.next() {
                    Some('w') => CharClass::Word,
                    Some('d') => CharClass::Digit,
                    Some(escaped) if escaped.is_ascii_punctuation() => CharClass::Literal(escaped),
                    Some(other) => {
                        return Err(format!(
                            "regex `{pattern}` uses unsupported escape \\{other}"
                        ))
                    }
                    None => return Err(format!("regex `{pattern}` ends with a lone backslash")),
                },
                '(' => {
                    items.push(PatternItem::Alternatives(compile_group(
                        pattern, &mut chars,
                    )?));
                    if chars.peek() == Some(&'+') {
                        return Err(format!(
                            "regex `{pattern}` repeats a group, which is unsupported"
                        ));
                    }
                    continue;
                }
                c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => CharClass::Literal(c),
                other => {
                    return Err(format!(
                        "regex `{pattern}` uses unsupported syntax `{other}`"
                    ))
                }
            };
            let repeated = chars.next_if_eq(&'+').is_some();
            items.push(PatternItem::Char { class, repeated });
        }
        Ok(RegionPattern { items })
    }

    /// Returns whether the pattern matches the whole of `text`.
    pub(super) fn matches(&self, text: &str) -> bool {
        match_items(&self.items, text)
    }
}

/// Reads the alternatives of a group up to and including its `)`.
fn compile_group(
    pattern: &str,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<Vec<String>, String> {
    let mut alternatives = vec![String::new()];
    loop {
        match chars.next() {
            Some(')') => return Ok(alternatives),
            Some('|') => alternatives.push(String::new()),
            Some(c) if c.is_ascii_alphanumeric() || c == '-' || c == '_' => {
                if let Some(current) = alternatives.last_mut() {
                    current.push(c);
                }
            }
            Some(other) => {
                return Err(format!(
                    "regex `{pattern}` uses `{other}` inside a group, which is unsupported"
                ))
            }
            None => return Err(format!("regex `{pattern}` has an unclosed group")),
        }
    }
}

fn match_items(items: &[PatternItem], text: &str) -> bool {
    let Some((first, rest)) = items.split_first() else {
        return text.is_empty();
    };

    match first {
        PatternItem::Alternatives(alternatives) => alternatives.iter().any(|alternative| {
            text.strip_prefix(alternative.as_str())
                .is_some_and(|remaining| match_items(rest, remaining))
        }),
        PatternItem::Char {
            class,
            repeated: false,
        } => {
            let mut chars = text.chars();
            chars.next().is_some_and(|c| class.matches(c)) && match_items(rest, chars.as_str())
        }
        PatternItem::Char {
            class,
            repeated: true,
        } => {
            // Try the longest run first and give back one character at a
            // time, as a backtracking regex engine does.
            let run_ends: Vec<usize> = text
                .char_indices()
                .take_while(|(_, c)| class.matches(*c))
                .map(|(start, c)| start + c.len_utf8())
                .collect();
            run_ends.iter().rev().any(|&end| {
                text.get(end..)
                    .is_some_and(|remaining| match_items(rest, remaining))
            })
        }
    }
}
