// Cold start: the time to import the Worker's modules once the interpreter and the SDK are up,
// and which imports cost most (self time per module, from an import hook). Prints JSON.
//   node bench/cold_start.mjs [runs]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPyodide } from 'pyodide';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SDK = path.join(ROOT, '.venv/lib/python3.11/site-packages/workers');
const runs = Number(process.argv[2] ?? 5);

function copyTree(py, from, to, keep) {
  py.FS.mkdirTree(to);
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.name === '__pycache__') continue;
    const f = path.join(from, e.name);
    if (e.isDirectory()) copyTree(py, f, `${to}/${e.name}`, keep);
    else if (keep(e.name)) py.FS.writeFile(`${to}/${e.name}`, fs.readFileSync(f));
  }
}

const results = [];
for (let run = 0; run < runs; run++) {
  const py = await loadPyodide();
  const site = py.runPython('import site; site.getsitepackages()[0]');
  copyTree(py, SDK, `${site}/workers`, (n) => n.endsWith('.py') || n.endsWith('.js'));
  copyTree(py, path.join(ROOT, 'tools/local-runtime/shims'), site, (n) => n.endsWith('.py'));
  py.registerJsModule('_pyodide_entrypoint_helper', { cloudflareWorkersModule: {}, cloudflareSocketsModule: {},
    doAnImport: async () => ({}), patchWaitUntil() {}, *patch_env_helper() { yield; } });
  copyTree(py, path.join(ROOT, 'src'), '/session/metadata', (n) => n.endsWith('.py'));
  const r = py.runPython(`
import sys, time, builtins, json
sys.path.insert(0, '/session/metadata')
t = time.perf_counter(); import workers; sdk_ms = (time.perf_counter() - t) * 1000
spent, stack = {}, []
real_import = builtins.__import__
def timed_import(name, *args, **kwargs):
    # Self time per module: time inside this import minus the imports it makes.
    first = name not in sys.modules
    start = time.perf_counter(); stack.append(0.0)
    try:
        return real_import(name, *args, **kwargs)
    finally:
        took = time.perf_counter() - start; inner = stack.pop()
        if first:
            spent[name] = spent.get(name, 0) + (took - inner) * 1000
        if stack: stack[-1] += took
builtins.__import__ = timed_import
t = time.perf_counter(); import entry; worker_ms = (time.perf_counter() - t) * 1000
builtins.__import__ = real_import
json.dumps({"sdk_ms": sdk_ms, "worker_ms": worker_ms, "top": sorted(spent.items(), key=lambda kv: -kv[1])[:8]})
`);
  results.push(JSON.parse(r));
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ runs, sdk_ms: median(results.map((r) => r.sdk_ms)), worker_ms: median(results.map((r) => r.worker_ms)),
  top: results[Math.floor(results.length / 2)].top }));
