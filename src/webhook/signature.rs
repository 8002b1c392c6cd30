//! GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the
//! raw request body under a shared secret, compared in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// Why a request's signature was refused (each is a 401; the message is for the log).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureError {
    /// The secret's variable is unset or empty: no request can be authenticated.
    NoSecret,
    /// The request has no signature header.
    Missing,
    /// The header is not `sha256=` followed by 64 hex digits.
    Malformed,
    /// The signature does not match the body.
    Mismatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureError::NoSecret => "the webhook's secret variable is unset or empty",
            SignatureError::Missing => "the request has no X-Hub-Signature-256 header",
            SignatureError::Malformed => "the X-Hub-Signature-256 header is not `sha256=` and 64 hex digits",
            SignatureError::Mismatch => "the signature does not match the body",
        })
    }
}

impl std::error::Error for SignatureError {}

/// Checks `header` (the value of [`SIGNATURE_HEADER`], if any) against `body` under `secret`.
pub fn verify(secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let hex = header.strip_prefix("sha256=").ok_or(SignatureError::Malformed)?;
    let expected = decode_hex(hex).ok_or(SignatureError::Malformed)?;
    // `verify_slice` compares in constant time: the comparison leaks nothing about how much
    // of a forged signature was right.
    mac(secret, body).verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}

/// The header value that signs `body` under `secret`: `sha256=<lowercase hex>`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let digest = mac(secret, body).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn mac(secret: &[u8], body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this never fails.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    mac
}

/// 64 hex digits (either case) as 32 bytes.
fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    let digits = hex.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let high = (pair[0] as char).to_digit(16)?;
        let low = (pair[1] as char).to_digit(16)?;
        *byte = (high * 16 + low) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // GitHub's documented example ("Validating webhook deliveries").
    const SECRET: &[u8] = b"It's a Secret to Everybody";
    const BODY: &[u8] = b"Hello, World!";
    const SIGNATURE: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn githubs_example_vector_signs_and_verifies() {
        assert_eq!(sign(SECRET, BODY), SIGNATURE);
        assert_eq!(verify(SECRET, BODY, Some(SIGNATURE)), Ok(()));
        assert_eq!(
            verify(SECRET, BODY, Some(&SIGNATURE.to_uppercase().replace("SHA256=", "sha256="))),
            Ok(())
        );
    }

    #[test]
    fn a_changed_body_secret_or_signature_is_a_mismatch() {
        assert_eq!(verify(SECRET, b"Hello, World?", Some(SIGNATURE)), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"another secret", BODY, Some(SIGNATURE)), Err(SignatureError::Mismatch));
        let flipped = SIGNATURE.replace("757107", "757108");
        assert_eq!(verify(SECRET, BODY, Some(&flipped)), Err(SignatureError::Mismatch));
    }

    #[test]
    fn missing_malformed_and_secretless_requests_are_refused() {
        assert_eq!(verify(SECRET, BODY, None), Err(SignatureError::Missing));
        assert_eq!(verify(SECRET, BODY, Some(&SIGNATURE[7..])), Err(SignatureError::Malformed));
        assert_eq!(
            verify(SECRET, BODY, Some(&SIGNATURE.replace("sha256", "sha1"))),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, BODY, Some(&SIGNATURE[..SIGNATURE.len() - 2])),
            Err(SignatureError::Malformed)
        );
        assert_eq!(verify(SECRET, BODY, Some(&SIGNATURE.replace('7', "g"))), Err(SignatureError::Malformed));
        assert_eq!(verify(SECRET, BODY, Some("sha256=é")), Err(SignatureError::Malformed));
        assert_eq!(verify(b"", BODY, Some(&sign(b"", BODY))), Err(SignatureError::NoSecret));
    }
}
