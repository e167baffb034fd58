// The hashed file as the sync engine reads it: moved into the npm package (js/sync/dataset.js).
export { Dataset } from '/pkg/sync/index.js';
