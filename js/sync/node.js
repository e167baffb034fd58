// `tikhash/sync` under Node: loads the WebAssembly (the package's Node entry) first, so the
// engine needs no `init()` there.
import '../node.js';

export * from './index.js';
