//! RFC 3986 percent-encoding, shared by the endpoint rules' `uriEncode` function and the
//! canonical URI of SigV4 signatures.

/// Appends `text` to `out` with every byte of its UTF-8 form percent-encoded except the RFC
/// 3986 unreserved characters, with uppercase hexadecimal digits.
pub(crate) fn encode_unreserved_into(out: &mut String, text: &str) {
    const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
    }
}
