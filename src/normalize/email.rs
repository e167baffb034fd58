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
