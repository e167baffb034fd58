// A worker of hashCsv: parses and hashes the pieces it is sent (speculatively, from their
// first byte) and returns their parts with the hex buffers transferred. Runs as a browser
// module worker or a Node worker_thread. The message handler is attached before the wasm
// loads (a browser drops messages that arrive while a module worker's top level awaits),
// and messages wait for it.
const isNode = typeof self === 'undefined' || typeof self.postMessage !== 'function';
let port = null;
const jobs = new Map(); // job id → { job, plan }
let chunkParts = null;
const queue = [];
let ready = false;

function handle(msg) {
  if (msg.setup) {
    jobs.set(msg.setup.job, { job: newJob(msg.setup.plan, msg.setup.options), plan: msg.setup.plan });
    return;
  }
  if (msg.drop !== undefined) {
    jobs.delete(msg.drop);
    return;
  }
  try {
    const { job, plan } = jobs.get(msg.job);
    const parts = chunkParts(job.parse(msg.bytes, msg.eof, -1), plan);
    const transfer = [...parts.hex.map((h) => h.buffer), parts.rejects.buffer];
    port.postMessage({ seq: msg.seq, parts }, transfer);
  } catch (err) {
    port.postMessage({ seq: msg.seq, error: { message: String(err?.message ?? err), code: err?.code ?? null } });
  }
}

const onMessage = (msg) => (ready ? handle(msg) : queue.push(msg));
let newJob = null;
if (!isNode) self.onmessage = (e) => onMessage(e.data);

if (isNode) {
  port = (await import('node:worker_threads')).parentPort;
  port.on('message', onMessage);
} else {
  port = self;
}
const tikhash = isNode ? await import('./node.js') : await import('./index.js');
await tikhash.init();
({ chunkParts, newJob } = await import('./csv.js'));
ready = true;
for (const msg of queue.splice(0)) handle(msg);
