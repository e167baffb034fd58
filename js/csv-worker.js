// A worker of hashCsv: parses and hashes the pieces it is sent (speculatively, from their
// first byte) and returns their parts with the hex buffers transferred. Runs as a browser
// module worker or a Node worker_thread.
const isNode = typeof self === 'undefined' || typeof self.postMessage !== 'function';
const port = isNode ? (await import('node:worker_threads')).parentPort : self;
const tikhash = isNode ? await import('./node.js') : await import('./index.js');
await tikhash.init();
const { chunkParts, newJob } = await import('./csv.js');

let job = null;
let plan = null;

const onMessage = (msg) => {
  if (msg.setup) {
    job?.free();
    plan = msg.setup.plan;
    job = newJob(plan, msg.setup.options);
    return;
  }
  try {
    const parts = chunkParts(job.parse(msg.bytes, msg.eof, -1), plan);
    const transfer = [...parts.hex.map((h) => h.buffer), parts.rejects.buffer];
    port.postMessage({ seq: msg.seq, parts }, transfer);
  } catch (err) {
    port.postMessage({ seq: msg.seq, error: { message: String(err?.message ?? err), code: err?.code ?? null } });
  }
};
if (isNode) port.on('message', onMessage);
else self.onmessage = (e) => onMessage(e.data);
