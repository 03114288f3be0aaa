// CPU per beacon (/init) in the local runtime for several copies of the Worker's source that
// differ only in the bot classifier and user-agent parser (bench/parser_cost.py makes them).
// D1 and the origin answer in-process, as in bench/cpu_isolated.mjs. Two loads per copy: the
// same browser user agent on every request (the per-isolate caches answer) and a user agent
// never seen before on every request (both parsers run in full). The copies are measured in
// interleaved rounds of 50 requests, in turn first, second and last, so a busy machine slows them alike. Prints JSON.
//   node bench/parser_cpu.mjs config.json   ({"variants": {name: srcDir}, "agents": [ua, ...]})
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPythonWorker } from '../tools/local-runtime/python-host.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SDK = path.join(ROOT, '.venv/lib/python3.11/site-packages/workers');
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const SAME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ROUNDS = 30;
const BATCH = 50;
const WARMUP = 100;

const statement = { bind() { return statement; }, all: async () => ({ results: [{ accepted: 1, uuid: 'x' }], meta: { changes: 1 } }),
  run: async () => ({ results: [], meta: { changes: 1 } }), first: async () => ({ uuid: 'x' }) };
const DB = { prepare: () => statement, batch: async (s) => s.map(() => ({ results: [{ salt: 'ab'.repeat(32) }], meta: { changes: 1 } })) };
const ctx = { waitUntil(p) { Promise.resolve(p).catch(() => {}); }, passThroughOnException() {} };
const cf = { country: 'DE', asn: 3320 };

function init(ua) {
  const body = JSON.stringify({ uuid: crypto.randomUUID(), page: '/post', referrer: 'https://www.google.com/' });
  const r = new Request('http://blog.example/_ff/init', { method: 'POST', body, headers: {
    'content-type': 'text/plain', 'content-length': String(body.length), 'user-agent': ua, 'accept-language': 'en',
    'cf-connecting-ip': '198.51.100.9', 'sec-fetch-mode': 'no-cors' } });
  Object.defineProperty(r, 'cf', { value: cf });
  return r;
}

async function cpuOf(worker, ua) {
  const request = init(ua);
  const c0 = process.cpuUsage();
  await worker.callEntrypoint('Default', 'fetch', [request], ctx);
  await new Promise((r) => setImmediate(r)); // count the waitUntil work too
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const env = { DB, ORIGIN_URL: 'http://origin.example' };
const workers = {};
for (const [name, srcDir] of Object.entries(config.variants)) {
  workers[name] = await loadPythonWorker({ srcDir, mainModule: 'entry.py', sdkDir: SDK, env });
}
const agents = config.agents;
const need = WARMUP + ROUNDS * BATCH;
if (agents.length < need) throw new Error(`need ${need} distinct user agents, got ${agents.length}`);

const samples = {};
const next = {};
for (const [name, worker] of Object.entries(workers)) {
  samples[name] = { same: [], fresh: [] };
  for (let i = 0; i < WARMUP; i++) await cpuOf(worker, SAME_UA);
  for (let i = 0; i < WARMUP; i++) await cpuOf(worker, agents[i]);
  next[name] = WARMUP;
}
const order = Object.entries(workers);
for (let round = 0; round < ROUNDS; round++) {
  order.push(order.shift()); // each copy takes each place in the round in turn
  for (const [name, worker] of order) {
    for (let i = 0; i < BATCH; i++) samples[name].same.push(await cpuOf(worker, SAME_UA));
    for (let i = 0; i < BATCH; i++) samples[name].fresh.push(await cpuOf(worker, agents[next[name]++]));
  }
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.floor(sorted.length * 0.95)], mean, n: sorted.length };
}
const out = {};
for (const [name, s] of Object.entries(samples)) out[name] = { same: summary(s.same), fresh: summary(s.fresh) };
console.log(JSON.stringify(out));
