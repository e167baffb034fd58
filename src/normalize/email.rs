//! Email addresses (tiktok-api.md §5.1; design.md "Normalization decisions").
//!
//! Every profile: trim (Unicode white space too) and lowercase, then check that it looks like
//! an address. The customer-file profile also drops a `+tag` from the local part, as TikTok's
//! customer-file help text asks; dot stripping is opt-in because that text no longer asks for it.

use crate::error::Reject;
use crate::options::{Options, Profile};

/// RFC 5321's limit on a whole address (a path of 256 octets less the angle brackets).
const MAX_ADDRESS_LEN: usize = 254;
/// RFC 5321's limit on the local part.
const MAX_LOCAL_LEN: usize = 64;

/// A trimmed, lowercased, checked email address: the text TikTok hashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NormalizedEmail(String);

impl NormalizedEmail {
    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Normalizes with the Events API rules (trim, lowercase, check).
pub fn normalize_email(input: &str) -> Result<NormalizedEmail, Reject> {
    normalize_email_with(input, &Options::default())
}

/// Normalizes with the profile and email options of `options`.
pub fn normalize_email_with(input: &str, options: &Options) -> Result<NormalizedEmail, Reject> {
    let trimmed = super::trim_identifier(input);
    if trimmed.is_empty() {
        return Err(Reject::Empty);
    }
    let mut out = String::with_capacity(trimmed.len());
    write_normalized(trimmed, options, &mut out)?;
    Ok(NormalizedEmail(out))
}

/// Writes the normalized form of an already trimmed, non-empty `input` into `out`.
pub(crate) fn write_normalized(
    input: &str,
    options: &Options,
    out: &mut String,
) -> Result<(), Reject> {
    // Events and Partner Audiences keep the address as typed but lowercased: the common shape
    // takes a one-pass path (the customer-file profile and dot stripping change the text).
    if options.profile != Profile::CustomerFile
        && !options.strip_email_dots
        && write_plain_ascii(input, out)
    {
        return Ok(());
    }
    write_by_full_rules(input, options, out)
}

/// Every rule, for every address: what [`write_plain_ascii`] must agree with where it accepts.
fn write_by_full_rules(input: &str, options: &Options, out: &mut String) -> Result<(), Reject> {
    if input.len() > MAX_ADDRESS_LEN * 4 {
        // Longer than any address even in 4-byte characters: do not spend time on it.
        return Err(Reject::InvalidEmail);
    }
    let Some(at) = input.find('@') else {
        return Err(Reject::InvalidEmail);
    };
    let (local, domain) = (&input[..at], &input[at + 1..]);
    let local = match options.profile {
        Profile::CustomerFile => local.split('+').next().unwrap_or(local),
        Profile::Events | Profile::PartnerAudience => local,
    };
    if local.is_empty() || !domain_is_plausible(domain) || !local_is_plausible(local) {
        return Err(Reject::InvalidEmail);
    }
    push_lower(local, options.strip_email_dots, out);
    if out.is_empty() {
        return Err(Reject::InvalidEmail); // the local part was only dots
    }
    out.push('@');
    push_lower(domain, false, out);
    if out.len() > MAX_ADDRESS_LEN || out.find('@').is_some_and(|n| n > MAX_LOCAL_LEN) {
        return Err(Reject::InvalidEmail);
    }
    Ok(())
}

/// The common address in one pass over its bytes: ASCII, one `@`, a local part of RFC 5322
/// `atext` and single inner dots, a domain of at least two letter/digit/hyphen labels that do
/// not start or end with a hyphen, within RFC 5321's lengths. Such an address passes every
/// check of the full rules below and normalizes to its lowercase, so the result is the same;
/// anything else returns `false` for the full rules to decide (and reject with the right
/// reason). The full rules iterate `char`s and search substrings, which was most of a wasm
/// batch's time; this keeps nearly every row off them. `out` is cleared only on success.
// simd128 here lets LLVM vectorize the lowercasing.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn write_plain_ascii(trimmed: &str, out: &mut String) -> bool {
    let b = trimmed.as_bytes();
    if b.len() > MAX_ADDRESS_LEN {
        return false;
    }
    // The local part: atext and dots, no dot first, last or doubled, up to the first `@`.
    let mut i = 0;
    let mut prev = b'.';
    while i < b.len() {
        let c = b[i];
        if c == b'@' {
            break;
        }
        if (c == b'.' && prev == b'.') || (c != b'.' && CLASS[usize::from(c)] & ATEXT == 0) {
            return false;
        }
        prev = c;
        i += 1;
    }
    if i == b.len() || prev == b'.' || i > MAX_LOCAL_LEN {
        return false; // no `@`, an empty local part or one ending in a dot, or too long
    }
    // The domain: labels of letters, digits and inner hyphens, at least two of them.
    let mut labels = 1;
    prev = b'.';
    for &c in &b[i + 1..] {
        let ok = if c == b'.' {
            labels += 1;
            prev != b'.' && prev != b'-'
        } else {
            CLASS[usize::from(c)] & LABEL != 0 && !(c == b'-' && prev == b'.')
        };
        if !ok {
            return false;
        }
        prev = c;
    }
    if prev == b'.' || prev == b'-' || labels < 2 {
        return false;
    }
    out.clear();
    // Only ASCII was accepted, so lowercasing in place keeps the length and the UTF-8.
    out.push_str(trimmed);
    out.make_ascii_lowercase();
    true
}

/// [`CLASS`] bit: RFC 5322 `atext` (letters, digits, ``!#$%&'*+-/=?^_`{|}~``). None of these is
/// white space, a control character, `@`, `,`, `;`, `:` or one of `"()<>[]\\`, the characters
/// [`local_is_plausible`] refuses.
const ATEXT: u8 = 1;
/// [`CLASS`] bit: a domain label character (ASCII letter, digit, `-`).
const LABEL: u8 = 2;

/// Character classes of the bytes [`write_plain_ascii`] accepts; 0 for every other byte,
/// including all non-ASCII ones.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() {
            t[c] = ATEXT | LABEL;
        }
        c += 1;
    }
    t[b'-' as usize] = ATEXT | LABEL;
    let specials = b"!#$%&'*+/=?^_`{|}~";
    let mut k = 0;
    while k < specials.len() {
        t[specials[k] as usize] = ATEXT;
        k += 1;
    }
    t
};

/// Lowercases into `out`; ASCII (nearly every address) without the Unicode tables.
fn push_lower(part: &str, strip_dots: bool, out: &mut String) {
    if part.is_ascii() {
        out.extend(
            part.bytes()
                .filter(|&b| !(strip_dots && b == b'.'))
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
    } else {
        for c in part.chars().filter(|&c| !(strip_dots && c == '.')) {
            out.extend(c.to_lowercase());
        }
    }
}

/// No white space, control characters, `@` or `,`/`;` (two addresses pasted together), and no
/// leading, trailing or doubled dot.
fn local_is_plausible(local: &str) -> bool {
    !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !forbidden(c) && !matches!(c, '"' | '(' | ')' | '<' | '>' | '[' | ']' | '\\'))
}

/// At least two non-empty labels; no white space, control or address-separating characters.
fn domain_is_plausible(domain: &str) -> bool {
    let mut labels = 0;
    for label in domain.split('.') {
        if label.is_empty() || label.starts_with('-') || label.ends_with('-') {
            return false;
        }
        if !label.chars().all(|c| c == '-' || c.is_alphanumeric()) {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

fn forbidden(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '@' | ',' | ';' | ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer_file() -> Options {
        Options::for_profile(Profile::CustomerFile)
    }

    #[test]
    fn trims_and_lowercases() {
        assert_eq!(
            normalize_email(" ALICE_abc@gmail.com ").unwrap().as_str(),
            "alice_abc@gmail.com"
        );
        assert_eq!(
            normalize_email("\u{a0}Bob@Example.CO.uk\t")
                .unwrap()
                .as_str(),
            "bob@example.co.uk"
        );
        assert_eq!(
            normalize_email("ÉMILE@Exemple.fr").unwrap().as_str(),
            "émile@exemple.fr"
        );
    }

    #[test]
    fn plus_tag_only_for_customer_files() {
        assert_eq!(
            normalize_email("Test.User+tag@Testing.com")
                .unwrap()
                .as_str(),
            "test.user+tag@testing.com"
        );
        let cf = normalize_email_with("Test.User+tag@Testing.com", &customer_file()).unwrap();
        assert_eq!(cf.as_str(), "test.user@testing.com");
        let dots = Options {
            strip_email_dots: true,
            ..customer_file()
        };
        assert_eq!(
            normalize_email_with("Test.User+tag@Testing.com", &dots)
                .unwrap()
                .as_str(),
            "testuser@testing.com"
        );
        assert_eq!(
            normalize_email_with("+tag@x.com", &customer_file()),
            Err(Reject::InvalidEmail)
        );
    }

    #[test]
    fn dot_stripping_never_touches_the_domain() {
        let dots = Options {
            strip_email_dots: true,
            ..Options::default()
        };
        assert_eq!(
            normalize_email_with("local-part.123+suffix@domain.com", &dots)
                .unwrap()
                .as_str(),
            "local-part123+suffix@domain.com"
        );
    }

    /// The one-pass path may only accept what the full rules accept, and write the same text;
    /// it must also take the common shapes, or it is dead weight.
    #[test]
    fn the_one_pass_path_agrees_with_the_full_rules() {
        const ALPHABET: &[u8] = b"aZ09.@-_+!#~\"(),;: \t\x7f\xc3\xa9";
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases: Vec<String> = [
            "a@b.co",
            "Bob.Smith@Example.COM",
            "x@a-b.c",
            "a.b.c@d.e.f",
            "a..b@c.d",
            ".a@b.c",
            "a.@b.c",
            "a@-b.c",
            "a@b-.c",
            "a@b",
            "a@.b",
            "a@b.",
            "@b.c",
            "a@b@c.d",
            "ab+tag@x.io",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Mostly address-shaped, with a sprinkle of every character either path treats specially.
        let mut part = |n: u64| -> String {
            let len = 1 + (next() % n) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| match next() % 10 {
                    0 => ALPHABET[(next() % ALPHABET.len() as u64) as usize],
                    1..=2 => b'.',
                    _ => b"abcXYZ019"[(next() % 9) as usize],
                })
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        for _ in 0..20_000 {
            let (local, domain) = (part(12), part(12));
            let at = if local.len() % 7 == 0 { "" } else { "@" };
            cases.push(format!("{local}{at}{domain}"));
        }
        let options = Options::default();
        let mut fast_hits = 0;
        for case in &cases {
            let (mut fast, mut full) = (String::new(), String::new());
            if write_plain_ascii(case, &mut fast) {
                fast_hits += 1;
                assert_eq!(
                    write_by_full_rules(case, &options, &mut full),
                    Ok(()),
                    "{case:?}"
                );
                assert_eq!(fast, full, "{case:?}");
            }
        }
        assert!(write_plain_ascii(
            "Bob.Smith@Example.COM",
            &mut String::new()
        ));
        assert!(
            fast_hits > 100,
            "the one-pass path took only {fast_hits} cases"
        );
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "",
            "   ",
            "plainaddress",
            "@example.com",
            "a@",
            "a@b",
            "a@b.",
            "a@.com",
            "a@@b.com",
            "a@b@c.com",
            "a b@c.com",
            "a@b .com",
            "a..b@c.com",
            ".a@c.com",
            "a.@c.com",
            "a@b..com",
            "a@-b.com",
            "a,b@c.com",
            "\"a\"@c.com",
            "a@b.com\u{0}",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(normalize_email("  "), Err(Reject::Empty));
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(normalize_email(&long_local), Err(Reject::InvalidEmail));
        let long = format!("a@{}.com", "b".repeat(250));
        assert_eq!(normalize_email(&long), Err(Reject::InvalidEmail));
    }
}
