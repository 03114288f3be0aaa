// What the CPU benches share: the Worker's surroundings answered in-process (D1, the origin,
// ctx, request.cf), so the CPU they measure is the Worker's own and not the local runtime's
// inter-process D1 client (native in production). Used by cpu_isolated.mjs and parser_cpu.mjs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SDK = path.join(ROOT, '.venv/lib/python3.11/site-packages/workers');
export const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

// An in-process D1: statements answer at once, as if the database took no time.
const statement = { bind() { return statement; }, all: async () => ({ results: [{ accepted: 1, uuid: 'x' }], meta: { changes: 1 } }),
  run: async () => ({ results: [], meta: { changes: 1 } }), first: async () => ({ uuid: 'x' }) };
const DB = { prepare: () => statement, batch: async (s) => s.map(() => ({ results: [{ salt: 'ab'.repeat(32) }], meta: { changes: 1 } })) };
export const env = { DB, ORIGIN_URL: 'http://origin.example' };
export const ctx = { waitUntil(p) { Promise.resolve(p).catch(() => {}); }, passThroughOnException() {} };

// An in-process origin: the proxy's fetch() gets its answer at once.
globalThis.fetch = async (url) => (String(url).endsWith('.png')
  ? new Response(new Uint8Array(64), { status: 200, headers: { 'content-type': 'image/png' } })
  : new Response('<!doctype html><p>hi', { status: 200, headers: { 'content-type': 'text/html' } }));

const cf = { country: 'DE', asn: 3320 };
const visitor = { 'accept-language': 'en', 'cf-connecting-ip': '198.51.100.9' };

/** A beacon the tracker sends (sendBeacon: text/plain, no-cors). */
export function beacon(p, body, ua = CHROME) {
  const r = new Request(`http://blog.example${p}`, { method: 'POST', body, headers: {
    ...visitor, 'content-type': 'text/plain', 'content-length': String(body.length), 'user-agent': ua, 'sec-fetch-mode': 'no-cors' } });
  Object.defineProperty(r, 'cf', { value: cf });
  return r;
}

/** A page the browser navigates to, through the proxy. */
export function page(p, ua = CHROME) {
  const r = new Request(`http://blog.example${p}`, { headers: {
    ...visitor, 'user-agent': ua, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
  Object.defineProperty(r, 'cf', { value: cf });
  return r;
}

/** CPU ms of one call, its ctx.waitUntil work included. */
export async function cpuOf(call, request) {
  const c0 = process.cpuUsage();
  await call(request);
  await new Promise((r) => setImmediate(r)); // let ctx.waitUntil work run, and count it
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** A Python Worker's fetch as a function of the request. */
export const fetchOf = (worker) => (request) => worker.callEntrypoint('Default', 'fetch', [request], ctx);
