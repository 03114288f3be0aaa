// CPU per request with D1 and the origin answered in-process (bench/inprocess.mjs): what the
// Worker itself burns, beside a trivial Python Worker and the first round's JS Worker. Prints JSON.
//   node bench/cpu_isolated.mjs [sdkDir]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPythonWorker } from '../tools/local-runtime/python-host.mjs';
import { ROOT, SDK, beacon, cpuOf, ctx, env, fetchOf, page } from './inprocess.mjs';

const sdkDir = process.argv[2] ?? SDK;
const WARMUP = 100;
const SAMPLES = 1000;

async function measure(call, make) {
  const cpu = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const ms = await cpuOf(call, make(i));
    if (i >= WARMUP) cpu.push(ms);
  }
  cpu.sort((a, b) => a - b);
  return { p50: cpu[Math.floor(cpu.length / 2)], p95: cpu[Math.floor(cpu.length * 0.95)] };
}

const footfall = await loadPythonWorker({ srcDir: path.join(ROOT, 'src'), mainModule: 'entry.py', sdkDir, env });
const trivial = await loadPythonWorker({ srcDir: path.join(ROOT, 'bench/baselines/trivial-python'), mainModule: 'entry.py', sdkDir, env: {} });
const js = (await import(pathToFileURL(path.join(ROOT, 'bench/baselines/original-js/worker.mjs')).href)).default;
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
  out[name] = await measure(fetchOf(footfall), (i) => beacon(`/_ff/${name}`, body(i)));
  out[`js ${name}`] = await measure(jsCall, (i) => beacon(`/_ff/${name}`, body(i)));
}
out['proxied HTML page'] = await measure(fetchOf(footfall), () => page('/'));
out['proxied asset'] = await measure(fetchOf(footfall), () => page('/logo.png'));
out.trivial = await measure(fetchOf(trivial), () => page('/'));
console.log(JSON.stringify(out));
