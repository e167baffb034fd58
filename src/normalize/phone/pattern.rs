//! A tiny backtracking matcher for libphonenumber's patterns, precompiled to bytecode by
//! `tools/phone-metadata/generate.mjs` (no regex engine in the wasm binary, no regex
//! compilation at run time).
//!
//! Inputs are ASCII digit strings and every atom of libphonenumber's patterns is a set of
//! digits, so an atom is a 10-bit mask. Alternatives are tried in order and quantifiers are
//! greedy, exactly like the JavaScript engine libphonenumber-js runs the same patterns on, so
//! prefix matches and capture groups come out the same (the generator checks this on every
//! pattern).

/// Opcodes; keep in sync with `OP` in generate.mjs. `0..=9` match that literal digit.
const ANY: u8 = 10;
/// `MASK lo hi`: one digit in the 10-bit set.
const MASK: u8 = 11;
/// `REP lo hi min max`: greedy run of `min..=max` digits of the set.
const REP: u8 = 12;
/// `SPLIT target`: try the next instruction, on failure continue at `target`.
const SPLIT: u8 = 13;
/// `JMP target`.
const JMP: u8 = 14;
/// `SAVE slot`: record the position for a capture group boundary.
const SAVE: u8 = 15;
/// `$`: only at the end of the input.
const END: u8 = 16;
/// Success.
const MATCH: u8 = 17;

/// Capture slots: group `n` uses `2n` and `2n + 1`; libphonenumber uses at most 2 groups.
pub(super) const SLOTS: usize = 6;
/// An unset capture slot.
const UNSET: u8 = u8::MAX;

/// Positions of capture group boundaries after a match (`UNSET` when the group took no part).
pub(super) type Captures = [u8; SLOTS];

/// Bytes are at most 255 long here (inputs are capped far below that by the parser).
struct Run<'a> {
    prog: &'a [u8],
    input: &'a [u8],
    anchored: bool,
    caps: Captures,
}

impl Run<'_> {
    fn u16_at(&self, pc: usize) -> usize {
        usize::from(self.prog[pc]) | usize::from(self.prog[pc + 1]) << 8
    }

    fn is_in(&self, pos: usize, lo: u8, hi: u8) -> bool {
        let mask = u16::from(lo) | u16::from(hi) << 8;
        match self.input.get(pos) {
            Some(&d) => (mask >> (d - b'0')) & 1 == 1,
            None => false,
        }
    }

    /// Runs from `pc` at `pos`; the end position of the first match in priority order.
    fn go(&mut self, mut pc: usize, mut pos: usize) -> Option<usize> {
        loop {
            let op = self.prog[pc];
            match op {
                0..=9 => {
                    if self.input.get(pos) != Some(&(b'0' + op)) {
                        return None;
                    }
                    pc += 1;
                    pos += 1;
                }
                ANY => {
                    if pos >= self.input.len() {
                        return None;
                    }
                    pc += 1;
                    pos += 1;
                }
                MASK => {
                    if !self.is_in(pos, self.prog[pc + 1], self.prog[pc + 2]) {
                        return None;
                    }
                    pc += 3;
                    pos += 1;
                }
                REP => {
                    let (lo, hi) = (self.prog[pc + 1], self.prog[pc + 2]);
                    let (min, max) = (
                        usize::from(self.prog[pc + 3]),
                        usize::from(self.prog[pc + 4]),
                    );
                    let mut n = 0;
                    while n < max && self.is_in(pos + n, lo, hi) {
                        n += 1;
                    }
                    if n < min {
                        return None;
                    }
                    // Greedy: the longest run first, then give back one digit at a time.
                    while n > min {
                        if let Some(end) = self.go(pc + 5, pos + n) {
                            return Some(end);
                        }
                        n -= 1;
                    }
                    pc += 5;
                    pos += min;
                }
                SPLIT => {
                    if let Some(end) = self.go(pc + 3, pos) {
                        return Some(end);
                    }
                    pc = self.u16_at(pc + 1);
                }
                JMP => pc = self.u16_at(pc + 1),
                SAVE => {
                    let slot = usize::from(self.prog[pc + 1]);
                    let old = self.caps[slot];
                    // Positions fit in a byte: the parser caps the digits far below 255.
                    self.caps[slot] = pos as u8;
                    let found = self.go(pc + 2, pos);
                    if found.is_none() {
                        self.caps[slot] = old;
                    }
                    return found;
                }
                END => {
                    if pos != self.input.len() {
                        return None;
                    }
                    pc += 1;
                }
                MATCH => {
                    return (!self.anchored || pos == self.input.len()).then_some(pos);
                }
                // The generator emits nothing else; treat a corrupt table as "no match".
                _ => return None,
            }
        }
    }
}

/// True when the whole of `digits` matches the program (libphonenumber's `matchesEntirely`).
pub(super) fn matches_entirely(prog: &[u8], digits: &[u8]) -> bool {
    let mut run = Run {
        prog,
        input: digits,
        anchored: true,
        caps: [UNSET; SLOTS],
    };
    run.go(0, 0).is_some()
}

/// The length of the match at the start of `digits` (JS `^(?:pattern)`), with its captures.
pub(super) fn match_prefix(prog: &[u8], digits: &[u8]) -> Option<(usize, Captures)> {
    let mut run = Run {
        prog,
        input: digits,
        anchored: false,
        caps: [UNSET; SLOTS],
    };
    let end = run.go(0, 0)?;
    Some((end, run.caps))
}

/// The text of capture group `group` (1-based), `None` when it took no part in the match.
pub(super) fn group<'a>(caps: &Captures, digits: &'a [u8], group: usize) -> Option<&'a [u8]> {
    let (start, end) = (caps[2 * group], caps[2 * group + 1]);
    if start == UNSET || end == UNSET {
        return None;
    }
    digits.get(usize::from(start)..usize::from(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    // `(1)?2[3-5]\d{1,2}$|7` compiled by hand the way generate.mjs does.
    const PROG: &[u8] = &[
        SPLIT,
        24,
        0, // try the first alternative, else offset 24
        SPLIT,
        11,
        0, // (1)? greedy
        SAVE,
        2,
        1,
        SAVE,
        3, // group 1: "1"
        2,
        MASK,
        0b0011_1000,
        0, // 2[3-5]
        REP,
        0xff,
        0x03,
        1,
        2, // \d{1,2}
        END,
        JMP,
        25,
        0, // $, then to the end
        7,
        MATCH,
    ];

    #[test]
    fn full_and_prefix_matches() {
        assert!(matches_entirely(PROG, b"1245"));
        assert!(matches_entirely(PROG, b"245"));
        assert!(matches_entirely(PROG, b"7"));
        assert!(!matches_entirely(PROG, b"26"));
        assert!(!matches_entirely(PROG, b"24567"));
        assert!(!matches_entirely(PROG, b"78"));
        assert_eq!(match_prefix(PROG, b"78").map(|m| m.0), Some(1));
        let (end, caps) = match_prefix(PROG, b"1256").unwrap();
        assert_eq!(end, 4);
        assert_eq!(group(&caps, b"1256", 1), Some(&b"1"[..]));
        let (_, caps) = match_prefix(PROG, b"256").unwrap();
        assert_eq!(group(&caps, b"256", 1), None);
        assert_eq!(match_prefix(PROG, b"9"), None);
    }
}
