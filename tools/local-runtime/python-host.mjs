// Hosts the Python Worker in Pyodide the way workerd does, minus workerd.
//
// workerd (src/pyodide/python-entrypoint-helper.ts) loads Pyodide, puts the `workers` SDK in
// site-packages, imports the main module, and for a `WorkerEntrypoint` class makes one Python
// instance per event with `(ctx, env)`, calls its handler with the JS arguments unchanged and
// unwraps `.js_object` from what it returns. This module does the same with npm's Pyodide and
// PyPI's `workers-runtime-sdk`. The two runtime-internal modules the SDK imports are provided
// by tiny shims (see README.md for what they do and do not do).
import { loadPyodide } from 'pyodide';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// workerd runs the Worker's own modules from this directory (it is also the cwd).
const WORKER_DIR = '/session/metadata';

/** Copy every file of a host directory into Pyodide's file system. */
function copyTree(pyodide, hostDir, fsDir, keep) {
  pyodide.FS.mkdirTree(fsDir);
  for (const entry of fs.readdirSync(hostDir, { withFileTypes: true })) {
    if (entry.name === '__pycache__' || entry.name.startsWith('.')) continue;
    const from = path.join(hostDir, entry.name);
    const to = `${fsDir}/${entry.name}`;
    if (entry.isDirectory()) copyTree(pyodide, from, to, keep);
    else if (keep(entry.name)) pyodide.FS.writeFile(to, fs.readFileSync(from));
  }
}

/** The `_pyodide_entrypoint_helper` module the SDK imports; workerd provides it from JS. */
function makeEntrypointHelper(pyodide, workersModule) {
  return {
    cloudflareWorkersModule: workersModule,
    // `cloudflare:sockets` (TCP) has no local equivalent here.
    cloudflareSocketsModule: {},
    async doAnImport(name) {
      if (name === 'cloudflare:workers') return workersModule;
      return import(name);
    },
    // Backs `workers.patch_env(...)`: the override holds while the generator is suspended.
    *patch_env_helper(patch) {
      const saved = new Map();
      const entries = patch instanceof Map ? [...patch] : Object.entries(patch ?? {});
      for (const [k, v] of entries) {
        saved.set(k, workersModule.env[k]);
        workersModule.env[k] = v;
      }
      try {
        yield;
      } finally {
        for (const [k, v] of saved) workersModule.env[k] = v;
      }
    },
    // Python hands `ctx.waitUntil` a coroutine; Pyodide destroys argument proxies when the call
    // returns, so take our own copy and turn it into a promise before that happens.
    patchWaitUntil(ctx) {
      if (ctx.__footfallPatched) return;
      const original = ctx.waitUntil.bind(ctx);
      ctx.waitUntil = (work) => {
        if ((work instanceof pyodide.ffi.PyProxy)) {
          const owned = work.copy();
          const promise = pyodide.pyimport('asyncio').ensure_future(owned);
          original(Promise.resolve(promise).finally(() => owned.destroy?.()));
        } else {
          original(Promise.resolve(work));
        }
      };
      ctx.__footfallPatched = true;
    },
  };
}

/**
 * Load Pyodide, the SDK and the Worker. Returns `{ pyodide, entrypoint(name) }`;
 * `importMs` is the time spent importing the Worker's main module.
 */
export async function loadPythonWorker({ srcDir, mainModule, sdkDir, env }) {
  const pyodide = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
  const sitePackages = pyodide.runPython('import site; site.getsitepackages()[0]');

  copyTree(pyodide, sdkDir, `${sitePackages}/workers`, (n) => n.endsWith('.py') || n.endsWith('.js'));
  copyTree(pyodide, path.join(HERE, 'shims'), sitePackages, (n) => n.endsWith('.py'));

  const workersModule = { env, waitUntil: () => { throw new Error('waitUntil outside a request'); } };
  pyodide.registerJsModule('_pyodide_entrypoint_helper', makeEntrypointHelper(pyodide, workersModule));

  copyTree(pyodide, srcDir, WORKER_DIR, (n) => n.endsWith('.py'));
  pyodide.runPython(`import os, sys; sys.path.insert(0, ${JSON.stringify(WORKER_DIR)}); os.chdir(${JSON.stringify(WORKER_DIR)})`);

  const sdkStart = performance.now();
  pyodide.pyimport('workers');
  const sdkMs = performance.now() - sdkStart;
  const start = performance.now();
  const main = pyodide.pyimport(mainModule.replace(/\.py$/, ''));
  const importMs = performance.now() - start;

  /** Call handler `name` ('fetch', 'scheduled') on a fresh instance of entrypoint class `cls`. */
  async function callEntrypoint(cls, name, args, ctx) {
    const Entrypoint = main[cls];
    if (typeof Entrypoint !== 'function') {
      throw new TypeError(`There is no '${cls}' class defined in the Python Worker's main module`);
    }
    workersModule.waitUntil = (p) => ctx.waitUntil(p);
    const instance = Entrypoint(ctx, env);
    try {
      const method = instance[name] ?? instance[`on_${name}`];
      if (typeof method !== 'function') throw new TypeError(`Method ${name} does not exist`);
      const result = await method.call(instance, ...args);
      let value = result;
      if ((result instanceof pyodide.ffi.PyProxy)) {
        value = result.js_object ?? result;
        if (value !== result) result.destroy();
      }
      return value;
    } finally {
      instance.destroy();
    }
  }

  const rpc = pyodide.pyimport('_local_runtime_rpc');

  /** A new instance of the Durable Object class `className` with `(state, env)` (see durable-objects.mjs). */
  function instantiate(className, state, objectEnv) {
    const Cls = main[className];
    if (typeof Cls !== 'function') {
      throw new TypeError(`There is no '${className}' class defined in the Python Worker's main module`);
    }
    return Cls(state, objectEnv);
  }

  /** Call `instance.name(*args)` as workerd calls a Durable Object's method (shims/_local_runtime_rpc.py). */
  async function callMethod(instance, name, args) {
    const result = await rpc.call_method(instance, name, args);
    if (result instanceof pyodide.ffi.PyProxy) {
      // A Python value python_to_rpc could not turn into JavaScript: it cannot cross RPC.
      const text = String(result);
      result.destroy();
      throw new TypeError(`${name}() returned a value that cannot be sent over RPC: ${text}`);
    }
    return result;
  }

  const describe = `Pyodide ${pyodide.version}; SDK import ${sdkMs.toFixed(0)} ms; Worker import ${importMs.toFixed(1)} ms`;
  return { pyodide, sdkMs, importMs, callEntrypoint, instantiate, callMethod, describe };
}
