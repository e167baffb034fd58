// Writes tests/vectors/phone.json: phone cases whose expected results come from
// libphonenumber-js (parsePhoneNumberWithError / isPossible / .number), not from tikhash.
//
//   cd tools/phone-metadata && npm ci && node vectors.mjs
//
// Expected value of a case: libphonenumber-js parses it (with `defaultCountry`); it is
// accepted when `isPossible()` is true and the national number matches the general
// national-number pattern of a region of its calling code (tikhash's rule, design.md), and
// the E.164 form is `.number`. Where tikhash's rules differ from libphonenumber-js on
// purpose, the case says so in `source`:
// - "00cc" cases: tikhash takes `00` as international for every country, with or without a
//   default country (design.md); libphonenumber-js only with a default country whose IDD
//   prefix is 00. Their expectation is libphonenumber-js's result for the `+cc` form.
// - "letters" cases: design.md rejects letters (invalid_phone); libphonenumber-js would
//   sometimes read around them.
// - "tiktok" cases: TikTok's own published examples (tiktok-api.md §5.2 and §6).

import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import {
  parsePhoneNumberWithError,
  getCountryCallingCode,
  getExampleNumber,
} from 'libphonenumber-js/max'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
const examples = require('libphonenumber-js/examples.mobile.json')
const meta = require('libphonenumber-js/metadata.max.json')
const version = require('libphonenumber-js/package.json').version

const MARKETS = [
  // The 45 markets of the brief.
  'US', 'CA', 'GB', 'FR', 'DE', 'IT', 'ES', 'NL', 'JP', 'KR', 'CN', 'IN', 'ID', 'TH', 'VN',
  'PH', 'MY', 'SG', 'AU', 'NZ', 'BR', 'MX', 'AR', 'CO', 'CL', 'PE', 'ZA', 'NG', 'EG', 'SA',
  'AE', 'TR', 'IL', 'RU', 'UA', 'PL', 'SE', 'NO', 'DK', 'FI', 'BE', 'CH', 'AT', 'PT', 'IE',
  // More, mostly regions sharing a calling code with a bigger one.
  'GG', 'JE', 'IM', 'KZ', 'PR', 'JM', 'RE', 'YT', 'GP', 'CW', 'SJ', 'AX', 'CX', 'HK', 'TW',
  'PK', 'BD', 'KE', 'GR', 'CZ', 'RO', 'HU', 'LU', 'IS', 'VI',
]

// The IDD prefix people dial from `country`: libphonenumber's preferred one (`8~10` → `810`),
// else the pattern itself when it is plain digits, else the shortest string it matches.
function iddOf(country) {
  const c = meta.countries[country]
  if (typeof c[12] === 'string') return c[12].replace(/~/g, '')
  if (/^\d+$/.test(c[1])) return c[1]
  const re = new RegExp('^(?:' + c[1] + ')$')
  for (let len = 2; len <= 6; len++)
    for (let n = 0; n < 10 ** len; n++) {
      const s = String(n).padStart(len, '0')
      if (re.test(s)) return s
    }
  throw new Error('no IDD for ' + country)
}

function generalPatternMatches(cc, national) {
  const regions = [
    ...(meta.country_calling_codes[cc] || []).filter((r) => r !== '001').map((r) => meta.countries[r]),
    ...(meta.nonGeographic[cc] ? [meta.nonGeographic[cc]] : []),
  ]
  return regions.some((r) => new RegExp('^(?:' + r[2] + ')$').test(national))
}

// libphonenumber-js's answer, mapped to tikhash reason codes.
function expect(input, defaultCountry) {
  let pn
  try {
    pn = parsePhoneNumberWithError(input, { defaultCountry: defaultCountry ?? undefined, extract: false })
  } catch (e) {
    switch (e.message) {
      case 'INVALID_COUNTRY':
        return { e164: null, reject: /^\s*\(?\+/.test(input) || input.startsWith('00') ? 'unknown_country_code' : 'phone_needs_country' }
      case 'NOT_A_NUMBER':
      case 'TOO_SHORT':
      case 'TOO_LONG':
      case 'INVALID_LENGTH':
        return { e164: null, reject: 'invalid_phone' }
    }
    throw e
  }
  if (!pn.isPossible() || !generalPatternMatches(pn.countryCallingCode, pn.nationalNumber))
    return { e164: null, reject: 'invalid_phone' }
  return { e164: pn.number, reject: null }
}

const cases = []
function add(input, defaultCountry, source, expected = expect(input, defaultCountry)) {
  cases.push({ input, defaultCountry, ...expected, source })
}

MARKETS.forEach((country, k) => {
  const national = examples[country]
  const cc = getCountryCallingCode(country)
  const pn = getExampleNumber(country, examples)
  if (!pn || pn.nationalNumber !== national) throw new Error('example ' + country)
  const intl = pn.formatInternational() // "+44 7400 123456"
  const nat = pn.formatNational() // "07400 123456"
  const src = `libphonenumber-js ${version} (${country} mobile example)`

  add(nat, country, src)
  add(intl, null, src)
  add(intl, country, src)
  add(`+${cc} ${nat}`, null, src + ', national form after +cc')
  add('00' + intl.slice(1), null, src + ', 00cc: expected from the +cc form', expect(intl, null))
  // Dialling the next market's number from this one, with this market's IDD prefix.
  const other = MARKETS[(k + 1) % MARKETS.length]
  const otherIntl = getExampleNumber(other, examples).formatInternational()
  add(`${iddOf(country)} ${otherIntl.slice(1)}`, country, src + `, IDD of ${country} to ${other}`)
  // Too short / too long, judged by libphonenumber-js.
  add(`+${cc} ${national.slice(0, Math.max(1, national.length - 3))}`, null, src + ', cut short')
  add(`+${cc} ${national}12345`, null, src + ', too long')
  add(nat.slice(0, -2), country, src + ', national form cut short')
  // Letters: refused by design.md whatever libphonenumber-js thinks.
  add(intl.slice(0, -1) + 'O', null, 'design.md: letters are refused', { e164: null, reject: 'invalid_phone' })
  add(nat, null, 'design.md: national form without defaultCountry', expect(nat, null))
})

// TikTok's own examples (tiktok-api.md §5.2, §6), checked against libphonenumber-js too.
const tiktok = [
  ['(+1)2133734253', null, '+12133734253'],
  ['020 7183 8750', 'GB', '+442071838750'],
  ['+44 (0)20 7183 8750', null, '+442071838750'],
  ['+1555-555-5555', null, '+15555555555'],
]
for (const [input, dc, e164] of tiktok) {
  const lib = expect(input, dc)
  if (lib.e164 !== e164) console.warn(`note: libphonenumber-js gives ${JSON.stringify(lib)} for ${input}`)
  add(input, dc, 'tiktok-api.md §5.2/§6 (TikTok example)', { e164, reject: null })
}

// Hand-picked national-prefix rules, expectations still from libphonenumber-js.
const rules = [
  ['011 15 2345-6789', 'AR', 'AR: trunk 0 + area 11 + mobile 15 → 9 11'],
  ['0343 15 555-1212', 'AR', 'AR: mobile 15 after a 3-digit area code'],
  ['0 21 11 91234-5678', 'BR', 'BR: trunk 0 + carrier code 21'],
  ['(11) 91234-5678', 'BR', 'BR: no trunk prefix'],
  ['8 (912) 345-67-89', 'RU', 'RU: trunk 8'],
  ['06 6982 1234', 'IT', 'IT: the leading 0 is part of the number'],
  ['+39 06 6982 1234', null, 'IT: the leading 0 is kept after +39'],
  ['+49 (0)30 123456', null, 'DE: (0) after the country code'],
  ['+33 (0)6 12 34 56 78', null, 'FR: (0) after the country code'],
  ['712-3456', 'VI', 'VI: 7-digit local number gains area code 340'],
  ['16577770000', 'US', 'US: country code without + (TikTok customer-file form)'],
  ['442071838750', 'GB', 'GB: country code without +'],
  ['+44 20 7183 8750 ext. 123', null, 'extension dropped'],
  ['+999 123 456', null, 'no country has +999'],
  ['+1 212 555 012', null, 'US too short'],
]
for (const [input, dc, why] of rules) add(input, dc, `libphonenumber-js ${version}: ${why}`)

const out = path.join(here, '../../tests/vectors/phone.json')
writeFileSync(out, JSON.stringify(cases, null, 1) + '\n')
console.log(`wrote ${out}: ${cases.length} cases for ${MARKETS.length} markets`)
