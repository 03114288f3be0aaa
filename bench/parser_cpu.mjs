// CPU per beacon (/init) in the local runtime for several copies of the Worker's source that
// differ only in the bot classifier and user-agent parser (bench/parser_cost.py makes them).
// D1 and the origin answer in-process (bench/inprocess.mjs). Two loads per copy: the
// same browser user agent on every request (the per-isolate caches answer) and a user agent
// never seen before on every request (both parsers run in full). The copies are measured in
// interleaved rounds of 50 requests, in turn first, second and last, so a busy machine slows them alike. Prints JSON.
//   node bench/parser_cpu.mjs config.json   ({"variants": {name: srcDir}, "agents": [ua, ...]})
import fs from 'node:fs';
import { loadPythonWorker } from '../tools/local-runtime/python-host.mjs';
import { CHROME as SAME_UA, SDK, beacon, cpuOf, env, fetchOf } from './inprocess.mjs';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ROUNDS = 30;
const BATCH = 50;
const WARMUP = 100;


const init = (ua) => beacon('/_ff/init', JSON.stringify({ uuid: crypto.randomUUID(), page: '/post', referrer: 'https://www.google.com/' }), ua);
const workers = {};
for (const [name, srcDir] of Object.entries(config.variants)) {
  workers[name] = fetchOf(await loadPythonWorker({ srcDir, mainModule: 'entry.py', sdkDir: SDK, env }));
}
const agents = config.agents;
const need = WARMUP + ROUNDS * BATCH;
if (agents.length < need) throw new Error(`need ${need} distinct user agents, got ${agents.length}`);

const samples = {};
const next = {};
for (const [name, worker] of Object.entries(workers)) {
  samples[name] = { same: [], fresh: [] };
  for (let i = 0; i < WARMUP; i++) await cpuOf(worker, init(SAME_UA));
  for (let i = 0; i < WARMUP; i++) await cpuOf(worker, init(agents[i]));
  next[name] = WARMUP;
}
const order = Object.entries(workers);
for (let round = 0; round < ROUNDS; round++) {
  order.push(order.shift()); // each copy takes each place in the round in turn
  for (const [name, worker] of order) {
    for (let i = 0; i < BATCH; i++) samples[name].same.push(await cpuOf(worker, init(SAME_UA)));
    for (let i = 0; i < BATCH; i++) samples[name].fresh.push(await cpuOf(worker, init(agents[next[name]++])));
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
