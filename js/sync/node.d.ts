// Types: ../sync.d.ts (the package's `tikhash/sync` entry).
export * from '../sync.js';
