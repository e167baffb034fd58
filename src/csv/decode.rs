//! Which text encoding a file is in, from its first bytes, and UTF-16 to UTF-8.
//!
//! Spreadsheets write CSV as UTF-8 (Excel "CSV UTF-8" with a byte order mark, Google Sheets,
//! Numbers and LibreOffice without), or as UTF-16 with a byte order mark (Excel "Unicode
//! text", tab-separated). Those are read; anything else that cannot be told apart for sure
//! (a legacy code page, UTF-16 without a BOM, a workbook saved with a `.csv` name) is a
//! [`FileError`] that says how to re-save the file, never garbage.

use super::error::FileError;

/// How many bytes of a file [`detect_encoding`] wants to see (fewer when the file is shorter).
pub const SNIFF_BYTES: usize = 64 * 1024;

/// A text encoding the reader takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8; `bom` is true when the file starts with EF BB BF (skipped, never data).
    Utf8 {
        /// The file starts with a UTF-8 byte order mark.
        bom: bool,
    },
    /// UTF-16 little-endian, from its FF FE byte order mark.
    Utf16Le,
    /// UTF-16 big-endian, from its FE FF byte order mark.
    Utf16Be,
}

impl Encoding {
    /// Bytes of byte order mark at the start of the file.
    pub const fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8 { bom: true } => 3,
            Encoding::Utf8 { bom: false } => 0,
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
        }
    }

    /// The name shown to people and returned by the JS API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 { bom: false } => "utf-8",
            Encoding::Utf8 { bom: true } => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

/// The encoding of a file from its first bytes (up to [`SNIFF_BYTES`]; `whole` when `head` is
/// the entire file, so that a character cut at its end is an error, not a cut).
pub fn detect_encoding(head: &[u8], whole: bool) -> Result<Encoding, FileError> {
    if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(FileError::Utf32);
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return check_utf8(&head[3..], whole).map(|()| Encoding::Utf8 { bom: true });
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok(Encoding::Utf16Le);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Encoding::Utf16Be);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Err(FileError::Workbook);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(FileError::LegacyWorkbook);
    }
    check_utf8(head, whole).map(|()| Encoding::Utf8 { bom: false })
}

fn check_utf8(bytes: &[u8], whole: bool) -> Result<(), FileError> {
    if bytes.contains(&0) {
        return Err(FileError::NotText);
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        // A character cut by the end of the sample is not an error; one cut by the end of
        // the file is.
        Err(e) if e.error_len().is_none() && !whole => Ok(()),
        Err(_) => Err(FileError::NotUtf8),
    }
}

/// Streams UTF-16 (after its byte order mark) into UTF-8, in pieces of any length: a code
/// unit or a surrogate pair cut between two pieces is carried over.
#[derive(Debug, Clone)]
pub struct Utf16Decoder {
    big_endian: bool,
    odd: Option<u8>,
    high: Option<u16>,
}

impl Utf16Decoder {
    /// A decoder for the byte order the file's BOM named.
    pub fn new(encoding: Encoding) -> Utf16Decoder {
        Utf16Decoder {
            big_endian: encoding == Encoding::Utf16Be,
            odd: None,
            high: None,
        }
    }

    /// Appends the UTF-8 of `input` to `out`.
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), FileError> {
        out.reserve(input.len() + input.len() / 2);
        let mut bytes = input;
        if let Some(first) = self.odd.take() {
            let Some((&second, rest)) = bytes.split_first() else {
                self.odd = Some(first);
                return Ok(());
            };
            self.unit(self.pair(first, second), out)?;
            bytes = rest;
        }
        let mut units = bytes.chunks_exact(2);
        for u in &mut units {
            self.unit(self.pair(u[0], u[1]), out)?;
        }
        if let [last] = units.remainder() {
            self.odd = Some(*last);
        }
        Ok(())
    }

    /// The end of the file: a half code unit or a lone high surrogate left over is an error.
    pub fn finish(&mut self) -> Result<(), FileError> {
        if self.odd.take().is_some() || self.high.take().is_some() {
            return Err(FileError::BadUtf16);
        }
        Ok(())
    }

    fn pair(&self, a: u8, b: u8) -> u16 {
        if self.big_endian {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    }

    fn unit(&mut self, u: u16, out: &mut Vec<u8>) -> Result<(), FileError> {
        let c = match (self.high.take(), u) {
            (None, 0xD800..=0xDBFF) => {
                self.high = Some(u);
                return Ok(());
            }
            (None, 0xDC00..=0xDFFF) | (Some(_), 0..=0xDBFF) | (Some(_), 0xE000..) => {
                return Err(FileError::BadUtf16)
            }
            (Some(h), low) => 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
            (None, c) => u32::from(c),
        };
        if c < 0x80 {
            out.push(c as u8);
        } else {
            let ch = char::from_u32(c).ok_or(FileError::BadUtf16)?;
            let mut buf = [0; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    #[test]
    fn boms_name_the_encoding() {
        assert_eq!(
            detect_encoding(b"\xEF\xBB\xBFa,b\n", true),
            Ok(Encoding::Utf8 { bom: true })
        );
        assert_eq!(
            detect_encoding(b"a,b\n", true),
            Ok(Encoding::Utf8 { bom: false })
        );
        assert_eq!(
            detect_encoding(&utf16le("a\tb\r\n"), true),
            Ok(Encoding::Utf16Le)
        );
        assert_eq!(detect_encoding(b"\xFE\xFF\0a", true), Ok(Encoding::Utf16Be));
    }

    #[test]
    fn what_cannot_be_read_says_so() {
        assert_eq!(
            detect_encoding(b"PK\x03\x04rest", true),
            Err(FileError::Workbook)
        );
        assert_eq!(
            detect_encoding(b"\xFF\xFE\0\0a\0\0\0", true),
            Err(FileError::Utf32)
        );
        assert_eq!(detect_encoding(b"a\0,\0b\0", true), Err(FileError::NotText));
        assert_eq!(
            detect_encoding(b"Ren\xE9,x\n", true),
            Err(FileError::NotUtf8)
        );
        // a character cut by the end of a sample is fine, by the end of the file it is not
        assert!(detect_encoding("é".as_bytes().split_at(1).0, false).is_ok());
        assert_eq!(
            detect_encoding("é".as_bytes().split_at(1).0, true),
            Err(FileError::NotUtf8)
        );
    }

    #[test]
    fn utf16_decodes_in_pieces_of_any_size() {
        let text = "email\tname\r\nzoë@example.com\t😀 Ann\r\n";
        let bytes = utf16le(text);
        for piece in 1..9 {
            let mut d = Utf16Decoder::new(Encoding::Utf16Le);
            let mut out = Vec::new();
            for p in bytes[2..].chunks(piece) {
                d.decode(p, &mut out).unwrap();
            }
            d.finish().unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), text, "pieces of {piece}");
        }
    }

    #[test]
    fn damaged_utf16_is_an_error() {
        let mut d = Utf16Decoder::new(Encoding::Utf16Le);
        let mut out = Vec::new();
        assert_eq!(d.decode(&[0x00, 0xDC], &mut out), Err(FileError::BadUtf16));
        let mut d = Utf16Decoder::new(Encoding::Utf16Le);
        d.decode(&[0x3D, 0xD8], &mut out).unwrap();
        assert_eq!(d.finish(), Err(FileError::BadUtf16));
    }
}
