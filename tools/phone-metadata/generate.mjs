// Writes src/normalize/phone/metadata.rs from libphonenumber-js's published metadata.
//
//   cd tools/phone-metadata && npm ci && node generate.mjs
//
// Every pattern tikhash needs (general national-number pattern, IDD prefix, national prefix
// for parsing, leading digits) is compiled here into the small bytecode that
// src/normalize/phone/pattern.rs runs, so the crate needs no regex engine and compiles no
// regex at run time. The subset libphonenumber uses is: digit literals, `\d`, classes
// (`[2-9]`, `[014-9]`), `{n}` / `{n,m}`, `?`, `|`, `(?:…)`, capture groups and `$`.
// Anything else fails the build of the table instead of being silently mis-compiled.

import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { execFileSync } from 'node:child_process'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
const version = JSON.parse(
  readFileSync(path.join(here, 'node_modules/libphonenumber-js/package.json'), 'utf8'),
).version
// min and max carry the same general pattern and possible lengths (checked below); max adds
// per-type patterns tikhash does not use.
const meta = require('libphonenumber-js/metadata.min.json')
const metaMax = require('libphonenumber-js/metadata.max.json')

// Opcodes: keep in sync with src/normalize/phone/pattern.rs.
const OP = { ANY: 10, MASK: 11, REP: 12, SPLIT: 13, JMP: 14, SAVE: 15, END: 16, MATCH: 17 }
const ALL_DIGITS = 0x3ff

// ---- regex subset parser: pattern text -> AST ------------------------------------------
// AST nodes: {t:'mask', m} | {t:'seq', items} | {t:'alt', alts} | {t:'rep', node, min, max}
//            | {t:'group', index, node} | {t:'end'}
function parse(src) {
  let i = 0
  let groups = 0
  const fail = (why) => {
    throw new Error(`unsupported pattern ${JSON.stringify(src)} at ${i}: ${why}`)
  }
  function alt() {
    const alts = [seq()]
    while (src[i] === '|') {
      i++
      alts.push(seq())
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts }
  }
  function seq() {
    const items = []
    while (i < src.length && src[i] !== '|' && src[i] !== ')') items.push(quantified())
    return { t: 'seq', items }
  }
  function quantified() {
    let node = atom()
    for (;;) {
      if (src[i] === '?') {
        i++
        if (src[i] === '?') fail('lazy quantifier')
        node = { t: 'rep', node, min: 0, max: 1 }
      } else if (src[i] === '{') {
        const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(src.slice(i))
        if (!m) fail('bad {}')
        i += m[0].length
        const min = Number(m[1])
        const max = m[2] ? (m[3] === '' ? fail('open {n,}') : Number(m[3])) : min
        node = { t: 'rep', node, min, max }
      } else if (src[i] === '*' || src[i] === '+') {
        fail('unbounded quantifier')
      } else return node
    }
  }
  function atom() {
    const c = src[i]
    if (c >= '0' && c <= '9') {
      i++
      return { t: 'mask', m: 1 << Number(c) }
    }
    if (c === '\\') {
      if (src[i + 1] !== 'd') fail('escape')
      i += 2
      return { t: 'mask', m: ALL_DIGITS }
    }
    if (c === '[') {
      i++
      let m = 0
      if (src[i] === '^') fail('negated class')
      while (src[i] !== ']') {
        let lo
        if (src[i] === '\\' && src[i + 1] === 'd') {
          m |= ALL_DIGITS
          i += 2
          continue
        }
        lo = Number(src[i])
        if (!(src[i] >= '0' && src[i] <= '9')) fail('class member')
        i++
        let hi = lo
        if (src[i] === '-') {
          hi = Number(src[i + 1])
          i += 2
        }
        for (let d = lo; d <= hi; d++) m |= 1 << d
      }
      i++
      return { t: 'mask', m }
    }
    if (c === '(') {
      i++
      let index = null
      if (src.startsWith('?:', i)) i += 2
      else if (src[i] === '?') fail('lookaround')
      else index = ++groups
      const node = alt()
      if (src[i] !== ')') fail('unclosed group')
      i++
      return index === null ? node : { t: 'group', index, node }
    }
    if (c === '$') {
      i++
      return { t: 'end' }
    }
    fail('character')
  }
  const ast = alt()
  if (i !== src.length) fail('trailing text')
  return { ast, groups }
}

// ---- AST -> bytecode -------------------------------------------------------------------
function compile(src) {
  const { ast, groups } = parse(src)
  const code = []
  const u16 = (v) => {
    if (v > 0xffff) throw new Error('program too long')
    code.push(v & 0xff, v >> 8)
  }
  function emitMask(m) {
    if (m === ALL_DIGITS) code.push(OP.ANY)
    else if ((m & (m - 1)) === 0) code.push(Math.log2(m))
    else code.push(OP.MASK), u16(m)
  }
  function emit(n) {
    switch (n.t) {
      case 'mask':
        return emitMask(n.m)
      case 'end':
        return code.push(OP.END)
      case 'seq':
        return n.items.forEach(emit)
      case 'group':
        code.push(OP.SAVE, 2 * n.index)
        emit(n.node)
        return code.push(OP.SAVE, 2 * n.index + 1)
      case 'alt': {
        // SPLIT next_alt; A; JMP end; next_alt: SPLIT …; B; JMP end; …; Z; end:
        const jumps = []
        n.alts.forEach((a, k) => {
          if (k < n.alts.length - 1) {
            code.push(OP.SPLIT)
            const at = code.length
            u16(0)
            emit(a)
            code.push(OP.JMP)
            jumps.push(code.length)
            u16(0)
            patch(at, code.length)
          } else emit(a)
        })
        jumps.forEach((at) => patch(at, code.length))
        return
      }
      case 'rep': {
        if (n.node.t === 'mask' && n.max <= 255) {
          code.push(OP.REP, n.node.m & 0xff, n.node.m >> 8, n.min, n.max)
          return
        }
        for (let k = 0; k < n.min; k++) emit(n.node)
        // Greedy optional copies, all skipping to the same end: x{0,2} = SPLIT end; x; SPLIT end; x; end:
        const splits = []
        for (let k = n.min; k < n.max; k++) {
          code.push(OP.SPLIT) // tries the body first: greedy, as in JS
          splits.push(code.length)
          u16(0)
          emit(n.node)
        }
        splits.forEach((at) => patch(at, code.length))
        return
      }
    }
    throw new Error('node ' + n.t)
  }
  function patch(at, target) {
    code[at] = target & 0xff
    code[at + 1] = target >> 8
  }
  emit(ast)
  code.push(OP.MATCH)
  return { code, groups }
}

// Cross-check the compiler on every pattern with a tiny JS interpreter of the same bytecode
// against the JS regex engine, on the example numbers and their prefixes: a mismatch stops
// the generator.
function run(code, s, anchoredEnd) {
  const caps = []
  function bt(pc, pos) {
    for (;;) {
      const op = code[pc]
      if (op <= 9) {
        if (pos < s.length && s.charCodeAt(pos) - 48 === op) {
          pc++
          pos++
          continue
        }
        return -1
      }
      switch (op) {
        case OP.ANY:
          if (pos < s.length) {
            pc++
            pos++
            continue
          }
          return -1
        case OP.MASK: {
          const m = code[pc + 1] | (code[pc + 2] << 8)
          if (pos < s.length && (m >> (s.charCodeAt(pos) - 48)) & 1) {
            pc += 3
            pos++
            continue
          }
          return -1
        }
        case OP.REP: {
          const m = code[pc + 1] | (code[pc + 2] << 8)
          let k = 0
          while (k < code[pc + 4] && pos + k < s.length && (m >> (s.charCodeAt(pos + k) - 48)) & 1) k++
          for (; k >= code[pc + 3]; k--) {
            const r = bt(pc + 5, pos + k)
            if (r >= 0) return r
          }
          return -1
        }
        case OP.SPLIT: {
          const target = code[pc + 1] | (code[pc + 2] << 8)
          const r = bt(pc + 3, pos)
          if (r >= 0) return r
          pc = target
          continue
        }
        case OP.JMP:
          pc = code[pc + 1] | (code[pc + 2] << 8)
          continue
        case OP.SAVE: {
          const slot = code[pc + 1]
          const old = caps[slot]
          caps[slot] = pos
          const r = bt(pc + 2, pos)
          if (r < 0) caps[slot] = old
          return r
        }
        case OP.END:
          if (pos !== s.length) return -1
          pc++
          continue
        case OP.MATCH:
          if (anchoredEnd && pos !== s.length) return -1
          return pos
      }
      throw new Error('bad op ' + op)
    }
  }
  const end = bt(0, 0)
  return end < 0 ? null : { end, caps }
}

const programs = []
const programIndex = new Map()
let programBytes = 0
function program(src, samples) {
  if (programIndex.has(src)) return programIndex.get(src)
  const { code, groups } = compile(src)
  const full = new RegExp('^(?:' + src + ')$')
  const prefix = new RegExp('^(?:' + src + ')')
  for (const s of samples) {
    const a = run(code, s, true)
    if (!!a !== full.test(s)) throw new Error(`full-match mismatch ${src} on ${s}`)
    const b = run(code, s, false)
    const js = prefix.exec(s)
    if ((b ? b.end : null) !== (js ? js[0].length : null))
      throw new Error(`prefix mismatch ${src} on ${s}`)
    if (js)
      for (let g = 1; g <= groups; g++) {
        const mine = b.caps[2 * g] === undefined ? undefined : s.slice(b.caps[2 * g], b.caps[2 * g + 1])
        if (mine !== js[g]) throw new Error(`group ${g} mismatch ${src} on ${s}: ${mine} vs ${js[g]}`)
      }
  }
  const entry = { offset: programBytes, code, groups }
  programs.push(entry)
  programIndex.set(src, entry)
  programBytes += code.length
  return entry
}

// ---- samples for the cross-check --------------------------------------------------------
const examples = require('libphonenumber-js/examples.mobile.json')
const samples = new Set()
for (const nn of Object.values(examples)) {
  for (let k = 0; k <= nn.length; k++) samples.add(nn.slice(0, k))
  samples.add('0' + nn)
  samples.add('00' + nn)
  samples.add(nn + '0')
  samples.add('8' + nn)
  samples.add('15' + nn)
  samples.add('9' + nn)
}
// A deterministic pseudo-random digit soup as well.
let seed = 12345
for (let k = 0; k < 3000; k++) {
  let s = ''
  const len = k % 18
  for (let j = 0; j < len; j++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    s += String((seed >> 16) % 10)
  }
  samples.add(s)
}
const sampleList = [...samples]

// ---- regions ------------------------------------------------------------------------------
const str = (v) => (typeof v === 'string' && v !== '' ? v : null)
const NONE = 0xffff
const regions = []
function addRegion(code, c) {
  const cmax = code.startsWith('0') ? metaMax.nonGeographic[c[0]] : metaMax.countries[code]
  if (cmax[2] !== c[2] || JSON.stringify(cmax[3]) !== JSON.stringify(c[3]))
    throw new Error('min/max metadata differ for ' + code)
  let lengths = 0
  for (const n of c[3]) {
    if (n > 31) throw new Error('length')
    lengths |= 1 << n
  }
  const nationalPrefix = str(c[5])
  // libphonenumber: national_prefix_for_parsing defaults to the national prefix.
  const nppSrc = str(c[7]) ?? nationalPrefix
  const npp = nppSrc ? program(nppSrc, sampleList) : null
  regions.push({
    code,
    callingCode: Number(c[0]),
    lengths,
    nationalPrefix: nationalPrefix ?? '',
    pattern: program(c[2], sampleList).offset,
    idd: str(c[1]) ? program(c[1], sampleList).offset : NONE,
    npp: npp ? npp.offset : NONE,
    nppGroups: npp ? npp.groups : 0,
    transform: str(c[8]) ?? '',
    leading: str(c[10]) ? program(c[10], sampleList).offset : NONE,
  })
}
for (const code of Object.keys(meta.countries).sort()) addRegion(code, meta.countries[code])
// Non-geographic calling codes (+800 freephone, +882 satellite…) get codes "00", "01"…: never
// ISO letters, so `is_known_region` and `defaultCountry` can never select them.
Object.keys(meta.nonGeographic)
  .sort()
  .forEach((cc, k) => addRegion('0' + k, meta.nonGeographic[cc]))
const regionIndex = new Map(regions.map((r, k) => [r.code, k]))
if (regions.length > 0xffff || programBytes >= NONE) throw new Error('table too big')

// Calling code -> regions, the "main" region first (libphonenumber lists it first; it holds
// the formatting and parsing rules of the whole group, e.g. US for +1, GB for +44, RU for +7).
const callingCodes = Object.keys(meta.country_calling_codes)
  .map(Number)
  .sort((a, b) => a - b)
  .map((cc) => {
    const codes = meta.country_calling_codes[String(cc)]
    const list = codes.map((c) => (c === '001' ? null : regionIndex.get(c))).filter((x) => x !== undefined && x !== null)
    regions.forEach((r, k) => {
      if (r.code.startsWith('0') && r.callingCode === cc) list.push(k)
    })
    if (list.length === 0) throw new Error('no region for +' + cc)
    return { cc, list }
  })

// ---- Rust output --------------------------------------------------------------------------
const bytes = programs.flatMap((p) => p.code)
function byteString(arr) {
  let out = 'b"\\\n'
  let line = '    '
  for (const b of arr) {
    const piece = b > 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0')
    if (line.length + piece.length > 96) {
      out += line + '\\\n'
      line = '    '
    }
    line += piece
  }
  return out + line + '"'
}
const hex = (n) => '0x' + n.toString(16)
let rs = `// generated by tools/phone-metadata/generate.mjs from libphonenumber-js ${version}; do not edit
//! Phone numbering facts for every region, from libphonenumber's metadata (via
//! libphonenumber-js ${version}): calling code, possible national lengths, national prefix and
//! its parsing/transform rule, and the general, IDD and leading-digits patterns compiled to
//! the bytecode that \`pattern.rs\` runs.

use super::Region;

/// No pattern (an offset no program has).
pub(super) const NONE: u16 = ${hex(NONE)};

/// Every compiled pattern, back to back; a region holds the offset where each of its starts.
pub(super) static PROGRAMS: &[u8] = ${byteString(bytes)};
// Catches an escaping slip in the byte string above at compile time.
const _: () = assert!(PROGRAMS.len() == ${bytes.length});

/// Every region, sorted by code (binary-searched); the non-geographic calling codes
/// (\`+800\`…) sort first as "00", "01"….
pub(super) static REGIONS: [Region; ${regions.length}] = [
`
// Sort key: digits sort before letters, so non-geographic entries come first in byte order.
const order = regions.map((r, k) => k).sort((a, b) => (regions[a].code < regions[b].code ? -1 : 1))
const remap = new Map(order.map((k, pos) => [k, pos]))
for (const k of order) {
  const r = regions[k]
  rs += `    Region { code: *b"${r.code}", calling_code: ${r.callingCode}, lengths: ${hex(r.lengths)}, pattern: ${r.pattern}, idd: ${r.idd === NONE ? 'NONE' : r.idd}, npp: ${r.npp === NONE ? 'NONE' : r.npp}, npp_groups: ${r.nppGroups}, transform: "${r.transform}", leading: ${r.leading === NONE ? 'NONE' : r.leading} },\n`
}
rs += `];

/// Calling codes, ascending, each with its regions (indexes into \`REGIONS\`), main region first.
pub(super) static CALLING_CODES: [(u16, &[u16]); ${callingCodes.length}] = [
`
for (const { cc, list } of callingCodes) rs += `    (${cc}, &[${list.map((k) => remap.get(k)).join(', ')}]),\n`
rs += '];\n'

const out = path.join(here, '../../src/normalize/phone/metadata.rs')
writeFileSync(out, rs)
// Leave the file exactly as `cargo fmt` would, so formatting checks never touch it.
execFileSync('rustfmt', ['--edition', '2021', out])
console.log(`wrote ${out}: ${regions.length} regions, ${callingCodes.length} calling codes, ${bytes.length} bytes of patterns, checked on ${sampleList.length} samples`)
