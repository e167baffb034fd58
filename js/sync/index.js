// `tikhash/sync`: the sync engine the page, the CLI and the tests share. Plans per object and
// behaviour (Mirror through the proxy's ledger), batching, dry run, sending through an
// injected transport, plain-language explanations, and the run record. Call the package's
// `init()` first in a browser (Node's entry loads the WebAssembly at import), as for every
// other function of the package.
export { Dataset } from './dataset.js';
export {
  PARTNER_BATCH,
  EVENT_BATCH,
  PLACEHOLDER_ID,
  SyncError,
  replaceWorkarounds,
  idType,
  bodiesOf,
  planSync,
  dryRun,
  newContext,
  runSync,
  explain,
  accountModeOf,
} from './plan.js';
export { API_PREFIX, proxyTransport, readEnvelope, ledgerSeconds, multipart, encodeRequest } from './transport.js';
export { runRecorder, rejectedByReason, tally } from './run.js';
