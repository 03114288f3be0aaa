#!/usr/bin/env node
// footfall's offline stand-in for `wrangler dev`: runs the Python Worker in Pyodide (npm) with the
// real `workers` SDK (PyPI) and real local bindings from wrangler's getPlatformProxy().
// Flags mirror wrangler dev's: --port, --ip, --persist-to, --var KEY:VALUE, --config, --assets;
// --durable-object BINDING:ClassName and --alarms timer|manual host Durable Objects (durable-objects.mjs).
// See README.md in this folder for why it exists and how it differs from workerd.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { getPlatformProxy, unstable_readConfig } from 'wrangler';
import { loadPythonWorker } from './python-host.mjs';
import { AssetStore, assetsOptions } from './assets.mjs';
import { installHtmlRewriter } from './html-rewriter.mjs';
import { PlatformSupervisor } from './platform.mjs';
import { toWorkerRequest, sendWorkerResponse } from './http-bridge.mjs';
import { installFetchShim, ServedOrigins } from './fetch-shim.mjs';
import { beginRequest, endRequest, profiledD1, profiledFetch } from './profiler.mjs';
import { DurableObjects, durableObjectBindings } from './durable-objects.mjs';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT || '8787' },
    ip: { type: 'string', default: '127.0.0.1' },
    'persist-to': { type: 'string', default: '.wrangler/state' },
    var: { type: 'string', multiple: true, default: [] },
    config: { type: 'string', default: 'wrangler.toml' },
    sdk: { type: 'string' },
    'trust-client-ip': { type: 'boolean', default: process.env.TRUST_CLIENT_IP === '1' },
    profile: { type: 'boolean', default: false },
    // Workers Static Assets: override or set [assets] of the config (see assets.mjs).
    assets: { type: 'string' },
    'assets-binding': { type: 'string' },
    'run-worker-first': { type: 'string', multiple: true },
    'html-handling': { type: 'string' },
    'not-found-handling': { type: 'string' },
    // Durable Object namespaces beside the config's [[durable_objects.bindings]].
    'durable-object': { type: 'string', multiple: true, default: [] },
    // `timer` runs due alarms on the runtime's clock; `manual` only through GET /__alarms.
    alarms: { type: 'string', default: 'timer' },
  },
});

/** Where pip put the `workers` package of workers-runtime-sdk (the dev group). */
function findSdk() {
  if (opts.sdk) return opts.sdk;
  const lib = path.resolve('.venv/lib');
  for (const py of fs.existsSync(lib) ? fs.readdirSync(lib) : []) {
    const dir = path.join(lib, py, 'site-packages', 'workers');
    if (fs.existsSync(path.join(dir, 'entrypoints.py'))) return dir;
  }
  throw new Error('workers-runtime-sdk not found: run `make setup` (or pass --sdk DIR)');
}

function parseVars(list) {
  const vars = {};
  for (const item of list) {
    const i = item.indexOf(':');
    if (i <= 0) throw new Error(`--var expects KEY:VALUE, got ${JSON.stringify(item)}`);
    vars[item.slice(0, i)] = item.slice(i + 1);
  }
  return vars;
}

const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

// See /__clock below.
let clockSkewMs = 0;
const realNow = Date.now;
Date.now = () => realNow() + clockSkewMs;

// What the local-only GET /__stats reports: how often the Worker ran, and how many requests the
// static assets answered without it (as on Cloudflare, where those are free).
const stats = { invocations: 0, assets_served: 0, asset_binding_fetches: 0, scheduled: 0, d1_restarts: 0 };

async function main() {
  const config = unstable_readConfig({ config: opts.config });
  const persistTo = path.resolve(opts['persist-to']);
  // wrangler's --persist-to DIR keeps its state in DIR/v3; getPlatformProxy takes that folder.
  const platform = new PlatformSupervisor(() => getPlatformProxy({
    configPath: opts.config,
    persist: { path: path.join(persistTo, 'v3') },
  }));
  const proxy = await platform.init();
  const env = platform.env((config.d1_databases ?? []).map((d) => d.binding));
  // Like `wrangler dev --var`: command-line values override wrangler.toml and .dev.vars.
  for (const [key, value] of Object.entries(parseVars(opts.var))) {
    Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (!['timer', 'manual'].includes(opts.alarms)) throw new Error(`--alarms expects timer or manual, got ${opts.alarms}`);
  const objectBindings = durableObjectBindings(config, opts['durable-object']);
  const durableObjects = new DurableObjects({
    persistTo, scriptName: config.name ?? 'worker', env, timer: opts.alarms === 'timer',
  });
  for (const { binding, className } of objectBindings) {
    Object.defineProperty(env, binding, { value: durableObjects.namespace(className), enumerable: true, writable: true, configurable: true });
  }
  const assetsConfig = assetsOptions(config, {
    directory: opts.assets,
    binding: opts['assets-binding'],
    runWorkerFirst: opts['run-worker-first'],
    htmlHandling: opts['html-handling'],
    notFoundHandling: opts['not-found-handling'],
  });
  const assets = assetsConfig ? new AssetStore(assetsConfig) : null;
  if (assets?.options.binding) {
    const binding = {
      // A promise, as a service binding's fetch is.
      fetch: async (input, init) => {
        stats.asset_binding_fetches += 1;
        return assets.fetch(input, init);
      },
    };
    Object.defineProperty(env, assets.options.binding, { value: binding, enumerable: true, writable: true, configurable: true });
  }
  // Requests being served, so the Worker's fetch never follows a client-chosen Host (fetch-shim.mjs).
  const served = new ServedOrigins();
  installFetchShim({ served, originUrl: typeof env.ORIGIN_URL === 'string' ? env.ORIGIN_URL : '' });
  installHtmlRewriter();
  if (opts.profile) {
    if (env.DB) env.DB = profiledD1(env.DB);
    globalThis.fetch = profiledFetch(globalThis.fetch);
  }

  const mainFile = path.resolve(path.dirname(path.resolve(opts.config)), config.main ?? 'src/entry.py');
  const worker = mainFile.endsWith('.py')
    ? await loadPythonWorker({
      srcDir: path.dirname(mainFile),
      mainModule: path.basename(mainFile),
      sdkDir: findSdk(),
      env,
    })
    : await loadJsWorker(mainFile, env);
  console.log(`[runtime] ${worker.describe}`);
  if (objectBindings.length) {
    await durableObjects.start(worker);
    const list = objectBindings.map((b) => `${b.binding} -> ${b.className}`).join(', ');
    console.log(`[runtime] Durable Objects ${list}; SQLite files in ${durableObjects.dir}; alarms ${opts.alarms}`);
  }
  if (assets) {
    const { directory, binding, runWorkerFirst, htmlHandling, notFoundHandling } = assets.options;
    const first = runWorkerFirst.all ? 'all' : runWorkerFirst.rules ? runWorkerFirst.rules.source.join(' ') : 'none';
    console.log(`[runtime] static assets from ${directory} (binding ${binding ?? '-'}, run_worker_first ${first}, `
      + `html_handling ${htmlHandling}, not_found_handling ${notFoundHandling})`);
  }

  const hostOf = (port) => `${opts.ip.includes(':') ? `[${opts.ip}]` : opts.ip}:${port}`;
  // With --port 0 the real port is known once listening (before any request can arrive).
  let listenHost = hostOf(opts.port);
  const server = http.createServer(async (req, res) => {
    const pending = [];
    const ctx = {
      waitUntil: (p) => pending.push(Promise.resolve(p)),
      passThroughOnException: () => {},
    };
    const isHead = req.method === 'HEAD';
    try {
      const url = new URL(req.url, 'http://local');
      if (url.pathname === '/__clock') {
        // Test hook, local runtime only: move the Worker's clock (Date.now and Python's time)
        // forward, so tests can play hours and days without waiting for them.
        clockSkewMs = url.searchParams.has('reset') ? 0 : clockSkewMs + Number(url.searchParams.get('advance_ms') ?? 0);
        durableObjects.schedule();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: Date.now(), skew_ms: clockSkewMs }));
        return;
      }
      if (url.pathname === '/__stats') {
        // Test hook, local runtime only: Worker invocations and requests the assets answered.
        if (url.searchParams.has('reset')) {
          for (const key of Object.keys(stats)) stats[key] = 0;
          for (const key of Object.keys(durableObjects.stats)) durableObjects.stats[key] = 0;
        }
        stats.d1_restarts = platform.restarts;
        // The Durable Object counters only where there are Durable Objects.
        const shown = objectBindings.length ? { ...stats, ...durableObjects.stats } : stats;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(shown));
        return;
      }
      if (url.pathname === '/__alarms') {
        // Test hook, local runtime only: run every Durable Object alarm due at `now_ms`
        // (default: the runtime's clock), each through its object's queue, and say how each ended.
        const nowMs = url.searchParams.has('now_ms') ? Number(url.searchParams.get('now_ms')) : Date.now();
        if (!Number.isFinite(nowMs)) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('now_ms must be a number of milliseconds\n');
          return;
        }
        const ran = await durableObjects.runDueAlarms(nowMs);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now_ms: nowMs, ran }));
        return;
      }
      if (url.pathname === '/__scheduled') {
        // Same trigger as `wrangler dev --test-scheduled`; `now_ms` sets the event's time.
        const nowMs = url.searchParams.get('now_ms');
        const scheduledTime = nowMs === null ? Date.now() : Number(nowMs);
        if (!Number.isFinite(scheduledTime)) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('now_ms must be a number of milliseconds\n');
          return;
        }
        const controller = { cron: url.searchParams.get('cron') ?? '', scheduledTime, noRetry() {} };
        stats.scheduled += 1;
        await worker.callEntrypoint('Default', 'scheduled', [controller, env, ctx], ctx);
        await Promise.all(pending);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('Ran scheduled event\n');
        return;
      }
      if (FORBIDDEN_METHODS.has(req.method)) {
        // Methods the Fetch standard forbids never reach a Worker: no Request can carry them.
        res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' })
          .end('Method Not Allowed\n');
        return;
      }
      // Profiling: take the body off the socket first, so that Node's stream plumbing (native
      // on the edge) is not counted as the Worker's CPU.
      const buffered = opts.profile && !['GET', 'HEAD'].includes(req.method) ? await readAll(req) : undefined;
      const request = toWorkerRequest(req, { trustClientIp: opts['trust-client-ip'], cf: proxy.cf, listenHost, buffered });
      // Static assets answer what they have without invoking the Worker, as on Cloudflare.
      const fromAssets = assets?.route(request);
      if (fromAssets) {
        stats.assets_served += 1;
        await sendWorkerResponse(fromAssets, res, { isHead });
        return;
      }
      const record = opts.profile ? beginRequest() : null;
      stats.invocations += 1;
      let response = await served.during(request.url, () => worker.callEntrypoint('Default', 'fetch', [request], ctx));
      if (!(response instanceof Response)) throw new TypeError('fetch() did not return a Response');
      if (record) {
        response = new Response(response.body, response);
        for (const [k, v] of Object.entries(endRequest(record))) response.headers.set(k, v);
      }
      await sendWorkerResponse(response, res, { isHead });
    } catch (err) {
      // workerd logs the uncaught exception (with the Python traceback) and answers 500.
      console.error(`[runtime] uncaught exception for ${req.method} ${req.url}\n${err?.stack ?? err}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error\n');
    }
    // ctx.waitUntil work runs on after the response went out, as on the edge.
    for (const r of await Promise.allSettled(pending)) {
      if (r.status === 'rejected') console.error(`[runtime] waitUntil task failed: ${r.reason?.stack ?? r.reason}`);
    }
  });
  server.on('error', (err) => {
    console.error(`[runtime] cannot listen on ${listenHost}: ${err.message}`);
    process.exit(1);
  });
  server.listen(Number(opts.port), opts.ip, () => {
    // `--port 0`: the system picked a free port; say which, so a test can use it.
    listenHost = hostOf(server.address().port);
    console.log(`[runtime] Ready on http://${listenHost} (state in ${persistTo})`);
  });
  const stop = async () => {
    server.close();
    durableObjects.stop();
    await platform.dispose();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A JavaScript module Worker (the benchmarks' baseline), hosted the same way. */
async function loadJsWorker(file, env) {
  const start = performance.now();
  const mod = await import(pathToFileURL(file).href);
  const importMs = performance.now() - start;
  return {
    describe: `JavaScript Worker ${path.basename(file)}; import ${importMs.toFixed(1)} ms`,
    async callEntrypoint(_cls, name, args, ctx) {
      const handler = mod.default?.[name];
      if (typeof handler !== 'function') throw new TypeError(`Method ${name} does not exist`);
      return handler.call(mod.default, args[0], env, ctx);
    },
  };
}

main().catch((err) => {
  console.error(`[runtime] failed to start: ${err?.stack ?? err}`);
  process.exit(1);
});
