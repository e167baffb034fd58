// Which column holds what: one table of header names (spreadsheet, CRM and ads-platform
// exports in English, German, French, Spanish, Portuguese and Japanese), then the values of
// columns the header did not name. Names are compared folded: lowercase, accents removed,
// everything but letters and digits dropped ("E-mail Address" → "emailaddress").

/** Role → header names, folded. Identifier kinds first, then event fields (not hashed). */
export const HEADER_SYNONYMS = Object.freeze({
  email: [
    'email', 'emailaddress', 'mail', 'emailsha256', 'hashedemail', 'email1', 'email1value', 'primaryemail',
    'workemail', 'personalemail', 'customeremail', 'contactemail', 'emailprimary', 'emails',
    'emailadresse', 'mailadresse', 'emailadr', // de
    'courriel', 'adresseemail', 'adressemail', 'adresseelectronique', 'adressecourriel', // fr
    'correo', 'correoelectronico', 'direcciondecorreo', 'direcciondecorreoelectronico', 'direccionemail', // es
    'enderecodeemail', 'enderecoemail', 'enderecodecorreioeletronico', 'correioeletronico', // pt
    'メールアドレス', 'メール', 'eメール', 'eメールアドレス', '電子メール', // ja
  ],
  phone: [
    'phone', 'phonenumber', 'mobile', 'mobilephone', 'mobilenumber', 'mobilephonenumber', 'tel', 'telephone',
    'telephonenumber', 'cell', 'cellphone', 'cellnumber', 'msisdn', 'phonesha256', 'hashedphone', 'phone1',
    'phone1value', 'primaryphone', 'workphone', 'homephone', 'businessphone', 'contactphone', 'defaultaddressphone',
    'billingphone', 'shippingphone', 'whatsapp', 'whatsappnumber',
    'telefon', 'telefonnummer', 'handy', 'handynummer', 'mobilnummer', 'mobiltelefon', 'rufnummer', // de
    'numerodetelephone', 'telephoneportable', 'portable', 'numeroportable', 'numerodeportable', // fr
    'telefono', 'movil', 'celular', 'numerodetelefono', 'telefonomovil', 'numerodecelular', // es
    'telefone', 'numerodetelefone', 'telemovel', 'numerodecelular', // pt
    '電話番号', '電話', '携帯電話', '携帯番号', '携帯電話番号', // ja
  ],
  idfa: ['idfa', 'iosadid', 'idfasha256', 'idfamd5', 'appleifa', 'ifa', 'iosadvertisingid', 'iosidfa', 'advertisingidios'],
  gaid: [
    'gaid', 'aaid', 'adid', 'androidadid', 'googleadid', 'googleadvertisingid', 'gaidsha256', 'gaidmd5',
    'androidadvertisingid', 'advertisingid', 'advertisingidentifier',
    // a mobile ad id of either platform: hashed the same way; the page lets a person say which
    'maid', 'madid', 'mobileadid', 'mobiledeviceid', 'mobileadvertisingid', 'deviceadid', 'werbeid', 'identifiantpublicitaire',
    '広告id', '広告識別子',
  ],
  external_id: [
    'externalid', 'customerid', 'userid', 'crmid', 'memberid', 'membernumber', 'customernumber', 'clientid',
    'contactid', 'recordid', 'accountid', 'loyaltyid', 'loyaltynumber',
    'kundennummer', 'kundenid', 'mitgliedsnummer', // de
    'idclient', 'numeroclient', 'numerodeclient', 'identifiantclient', // fr
    'idcliente', 'numerodecliente', 'codigodecliente', // es, pt
    '顧客id', '会員id', '会員番号', '顧客番号', 'ユーザーid', // ja
  ],
  event: ['event', 'eventname', 'eventtype', 'action'],
  event_time: ['eventtime', 'timestamp', 'time', 'date', 'datetime', 'createdat', 'occurredat'],
  event_id: ['eventid', 'dedupid', 'deduplicationid', 'transactionid'],
  value: ['value', 'amount', 'revenue', 'total', 'price'],
  currency: ['currency', 'currencycode'],
  order_id: ['orderid', 'ordernumber'],
  content_id: ['contentid', 'productid', 'sku'],
  ttclid: ['ttclid', 'clickid'],
  ip: ['ip', 'ipaddress', 'clientip'],
  user_agent: ['useragent', 'ua'],
  url: ['url', 'pageurl', 'page'],
  referrer: ['referrer', 'referer', 'referrerurl', 'refererurl'],
});

/** The identifier kinds: what hashCsv hashes. */
export const IDENTIFIER_KINDS = Object.freeze(['email', 'phone', 'idfa', 'gaid', 'external_id']);

/** A header name folded for the table: lowercase, no accents, letters and digits only. */
export function foldHeader(name) {
  return String(name)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const BY_NAME = new Map();
for (const [role, names] of Object.entries(HEADER_SYNONYMS)) {
  for (const n of names) if (!BY_NAME.has(foldHeader(n))) BY_NAME.set(foldHeader(n), role);
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A phone by its value alone needs a + (or tel:+): a column of 8-digit numbers is a member
// number, not a phone, unless its header says phone.
const INTL_PHONE = /^(tel:)?\+[\d\s().\-/]{6,22}$/i;

/**
 * Guesses the role of each column from its header and, for unnamed ones, its values:
 * returns one role (or '') per column; each role is given to one column at most.
 * `sample` is rows of cells (arrays of strings).
 */
export function detectColumns(header, sample = []) {
  const roles = header.map((h) => BY_NAME.get(foldHeader(h)) ?? '');
  header.forEach((_, c) => {
    if (roles[c]) return;
    const values = sample.map((r) => String(r?.[c] ?? '').trim()).filter(Boolean);
    if (!values.length) return;
    const share = (test) => values.filter(test).length / values.length;
    if (share((v) => EMAIL.test(v)) >= 0.6) roles[c] = 'email';
    else if (share((v) => INTL_PHONE.test(v)) >= 0.6) roles[c] = 'phone';
    else if (share((v) => UUID.test(v)) >= 0.6) {
      // Apple hands out IDFAs in uppercase, Google GAIDs in lowercase.
      roles[c] = share((v) => v === v.toUpperCase()) >= 0.6 ? 'idfa' : 'gaid';
    }
  });
  const seen = new Set();
  return roles.map((r) => {
    if (!r || seen.has(r)) return '';
    seen.add(r);
    return r;
  });
}
