// CPU per request with D1 and the origin answered in-process: what the Worker itself burns,
// without the local runtime's inter-process D1 client (native in production). Prints JSON.
//   node bench/cpu_isolated.mjs
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadPythonWorker } from '../tools/local-runtime/python-host.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SDK = process.argv[2] ?? path.join(ROOT, '.venv/lib/python3.11/site-packages/workers');
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const WARMUP = 100;
const SAMPLES = 1000;

// An in-process D1: statements answer at once, as if the database took no time.
const statement = { bind() { return statement; }, all: async () => ({ results: [{ accepted: 1, uuid: 'x' }], meta: { changes: 1 } }),
  run: async () => ({ results: [], meta: { changes: 1 } }), first: async () => ({ uuid: 'x' }) };
const DB = { prepare: () => statement, batch: async (s) => s.map(() => ({ results: [{ salt: 'ab'.repeat(32) }], meta: { changes: 1 } })) };
// An in-process origin: the proxy's fetch() gets its answer at once.
globalThis.fetch = async (url) => (String(url).endsWith('.png')
  ? new Response(new Uint8Array(64), { status: 200, headers: { 'content-type': 'image/png' } })
  : new Response('<!doctype html><p>hi', { status: 200, headers: { 'content-type': 'text/html' } }));

const ctx = { waitUntil(p) { Promise.resolve(p).catch(() => {}); }, passThroughOnException() {} };
const cf = { country: 'DE', asn: 3320 };
function post(p, body) {
  const r = new Request(`http://blog.example${p}`, { method: 'POST', body, headers: {
    'content-type': 'text/plain', 'content-length': String(body.length), 'user-agent': UA, 'accept-language': 'en',
    'cf-connecting-ip': '198.51.100.9', 'sec-fetch-mode': 'no-cors' } });
  Object.defineProperty(r, 'cf', { value: cf });
  return r;
}
function get(p) {
  const r = new Request(`http://blog.example${p}`, { headers: { 'user-agent': UA, 'accept-language': 'en',
    'cf-connecting-ip': '198.51.100.9', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
  Object.defineProperty(r, 'cf', { value: cf });
  return r;
}

async function measure(call, make) {
  const cpu = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const request = make(i);
    const c0 = process.cpuUsage();
    await call(request);
    await new Promise((r) => setImmediate(r)); // let ctx.waitUntil work run, and count it
    const c = process.cpuUsage(c0);
    if (i >= WARMUP) cpu.push((c.user + c.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  return { p50: cpu[Math.floor(cpu.length / 2)], p95: cpu[Math.floor(cpu.length * 0.95)] };
}

const env = { DB, ORIGIN_URL: 'http://origin.example' };
const footfall = await loadPythonWorker({ srcDir: path.join(ROOT, 'src'), mainModule: 'entry.py', sdkDir: SDK, env });
const trivial = await loadPythonWorker({ srcDir: path.join(ROOT, 'bench/baselines/trivial-python'), mainModule: 'entry.py', sdkDir: SDK, env: {} });
const js = (await import(pathToFileURL(path.join(ROOT, 'bench/baselines/original-js/worker.mjs')).href)).default;
const py = (w) => (r) => w.callEntrypoint('Default', 'fetch', [r], ctx);
const jsCall = (r) => js.fetch(r, env, ctx);
const uuid = () => crypto.randomUUID();
const U = uuid();
const bodies = {
  init: () => JSON.stringify({ uuid: uuid(), page: '/post', referrer: 'https://www.google.com/' }),
  heartbeat: () => JSON.stringify({ uuid: U, delta: 5, total: 5 }),
  event: (i) => JSON.stringify({ uuid: U, seq: i + 1, type: 'outbound', url: 'https://example.org/', anchor_text: 'a link', page: '/post' }),
};
const out = {};
for (const [name, body] of Object.entries(bodies)) {
  out[name] = await measure(py(footfall), (i) => post(`/_ff/${name}`, body(i)));
  out[`js ${name}`] = await measure(jsCall, (i) => post(`/_ff/${name}`, body(i)));
}
out['proxied HTML page'] = await measure(py(footfall), () => get('/'));
out['proxied asset'] = await measure(py(footfall), () => get('/logo.png'));
out.trivial = await measure(py(trivial), () => get('/'));
console.log(JSON.stringify(out));
