// The sync engine now lives in the npm package (`tikhash/sync`, js/sync/), shared with the CLI
// and the tests; this re-export keeps `/sync.js` working for the benchmarks.
export * from '/pkg/sync/index.js';
