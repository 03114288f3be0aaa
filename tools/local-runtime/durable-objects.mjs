// Durable Object namespaces for the Python Worker, hosted in this process.
//
// workerd cannot run here (it downloads the Pyodide bundle at start, see README.md), and
// wrangler's getPlatformProxy() cannot host a Worker's own Durable Object classes, so the
// runtime does what workerd does for a namespace binding itself:
//
// - ids: `idFromName` hashes the name (64 hex characters, the same every run), `newUniqueId`
//   is random, `idFromString` takes one back;
// - one instance per id, made on its first call with `(state, env)` from the class of that
//   name in the Worker's main module (the SDK's `DurableObject` wraps `state` and `env`);
// - calls to one object run one at a time, in arrival order (a queue per id); an exception
//   in the object rejects that call only;
// - storage: do-storage.mjs, one SQLite file per object under
//   `<persist-to>/v3/do/<script>-<ClassName>/<id>.sqlite`, the layout of Miniflare;
// - alarms: kept in the object's file, run on the runtime's clock (a timer, or the
//   `GET /__alarms` hook), retried with backoff when they throw.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DurableObjectStorage, ObjectStore, loadSqlite } from './do-storage.mjs';

// Production retries a failed alarm with exponential backoff from 2 s, up to 6 times
// (developers.cloudflare.com/durable-objects/api/alarms/); so does this runtime.
export const ALARM_FIRST_RETRY_MS = 2000;
export const ALARM_MAX_RETRIES = 6;
// The timer wakes at least this often, so an alarm is not missed if the clock jumps.
const TIMER_MAX_WAIT_MS = 60_000;
const HEX_ID = /^[0-9a-f]{64}$/;

/** A Durable Object id: 64 hex characters, and the name it came from (if any). */
export class DurableObjectId {
  #hex;

  constructor(hex, name) {
    this.#hex = hex;
    if (name !== undefined) this.name = name;
  }

  toString() {
    return this.#hex;
  }

  equals(other) {
    return other instanceof DurableObjectId && other.toString() === this.#hex;
  }

  toJSON() {
    return this.#hex;
  }
}

/**
 * Parse `BINDING:ClassName` flags and the config's `[[durable_objects.bindings]]` into
 * `[{binding, className}]` (a flag wins over the config for the same binding).
 */
export function durableObjectBindings(config, flags) {
  const byBinding = new Map();
  for (const b of config.durable_objects?.bindings ?? []) {
    if (b.script_name && b.script_name !== config.name) {
      console.warn(`[runtime] ${b.name}: a Durable Object of another Worker (${b.script_name}) is not hosted here`);
      continue;
    }
    byBinding.set(b.name, b.class_name);
  }
  for (const flag of flags) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*):([A-Za-z_][A-Za-z0-9_]*)$/.exec(flag);
    if (!match) throw new Error(`--durable-object expects BINDING:ClassName, got ${JSON.stringify(flag)}`);
    byBinding.set(match[1], match[2]);
  }
  return [...byBinding].map(([binding, className]) => ({ binding, className }));
}

/** Every class's objects, their alarms, and the counters /__stats shows. */
export class DurableObjects {
  constructor({ persistTo, scriptName, env, timer = true, log = console.error }) {
    this.dir = path.join(persistTo, 'v3', 'do');
    this.scriptName = scriptName;
    this.env = env;
    this.log = log;
    this.timerEnabled = timer;
    this.classes = new Map(); // className -> Namespace
    this.worker = null;
    this.SQL = null;
    this.stats = { do_calls: 0, do_errors: 0, do_instances: 0, alarms_run: 0, alarms_failed: 0 };
    this.timer = null;
  }

  /** The namespace binding for `className`; bindings to one class share its objects. */
  namespace(className) {
    if (!this.classes.has(className)) this.classes.set(className, new DurableObjectNamespace(this, className));
    return this.classes.get(className);
  }

  /** Load SQLite, take the Worker, and find the alarms already on disk. */
  async start(worker) {
    this.SQL = await loadSqlite();
    this.worker = worker;
    for (const ns of this.classes.values()) ns.loadAlarms();
    this.schedule();
  }

  /** Every object's due alarm at `nowMs`, run through its queue; what ran and how it ended. */
  async runDueAlarms(nowMs) {
    const due = [];
    for (const ns of this.classes.values()) {
      for (const [hex, alarm] of ns.alarms) if (alarm.scheduledMs <= nowMs) due.push({ ns, hex, alarm });
    }
    due.sort((a, b) => a.alarm.scheduledMs - b.alarm.scheduledMs);
    const settled = await Promise.allSettled(due.map(({ ns, hex }) => ns.object(hex).runAlarm(nowMs)));
    this.schedule();
    // Nothing rejects but a failure of the runtime itself (a file that cannot be written).
    return settled.map((r, i) => (r.status === 'fulfilled' ? r.value : {
      class: due[i].ns.className, id: due[i].hex, outcome: 'error', error: String(r.reason?.message ?? r.reason),
    })).filter(Boolean);
  }

  /** (Re)arm the timer for the earliest alarm on the runtime's clock (Date.now, /__clock). */
  schedule() {
    if (!this.timerEnabled) return;
    clearTimeout(this.timer);
    let earliest = Infinity;
    for (const ns of this.classes.values()) for (const a of ns.alarms.values()) earliest = Math.min(earliest, a.scheduledMs);
    if (earliest === Infinity) return;
    const wait = Math.max(0, Math.min(earliest - Date.now(), TIMER_MAX_WAIT_MS));
    this.timer = setTimeout(() => {
      this.runDueAlarms(Date.now()).catch((err) => this.log(`[runtime] alarms failed: ${err?.stack ?? err}`));
    }, wait);
    this.timer.unref();
  }

  /** Write every object's changes (at exit; each call already flushed its own). */
  flushAll() {
    for (const ns of this.classes.values()) for (const o of ns.objects.values()) o.store?.flush();
  }

  stop() {
    clearTimeout(this.timer);
    this.timerEnabled = false;
    this.flushAll();
  }
}

/**
 * The binding: the SDK wraps an env value as a namespace only when its constructor is named
 * `DurableObjectNamespace`, and then wraps what get()/getByName() return as a fetcher.
 */
export class DurableObjectNamespace {
  #host;
  #className;

  constructor(host, className) {
    this.#host = host;
    this.#className = className;
    this.objects = new Map(); // hex -> LocalObject
    this.alarms = new Map(); // hex -> {scheduledMs, retryCount, name}
    this.dir = path.join(host.dir, `${host.scriptName}-${className}`);
  }

  get className() {
    return this.#className;
  }

  idFromName(name) {
    const hex = crypto.createHash('sha256').update(`${this.#host.scriptName}\0${this.#className}\0${String(name)}`).digest('hex');
    return new DurableObjectId(hex, String(name));
  }

  idFromString(hex) {
    const text = String(hex);
    if (!HEX_ID.test(text)) throw new TypeError('Invalid Durable Object ID: must be 64 hex digits');
    return new DurableObjectId(text);
  }

  newUniqueId() {
    return new DurableObjectId(crypto.randomBytes(32).toString('hex'));
  }

  get(id) {
    if (!(id instanceof DurableObjectId)) throw new TypeError('get() expects a DurableObjectId');
    return makeStub(this.object(id.toString(), id.name), id);
  }

  getByName(name) {
    return this.get(this.idFromName(name));
  }

  /** Jurisdictions only restrict where production stores an object; locally the same. */
  jurisdiction() {
    return this;
  }

  /** The one LocalObject of `hex` (not yet constructed: that happens on its first call). */
  object(hex, name) {
    let obj = this.objects.get(hex);
    if (!obj) {
      obj = new LocalObject(this.#host, this, hex, name);
      this.objects.set(hex, obj);
    } else if (name !== undefined && obj.name === undefined) {
      obj.name = name;
    }
    return obj;
  }

  /** The alarms in this class's files, read at start (each file opened once). */
  loadAlarms() {
    if (!fs.existsSync(this.dir)) return;
    for (const file of fs.readdirSync(this.dir)) {
      const match = /^([0-9a-f]{64})\.sqlite$/.exec(file);
      if (!match) continue;
      const store = new ObjectStore(this.#host.SQL, path.join(this.dir, file));
      const alarm = store.alarm();
      store.db.close();
      if (alarm) {
        this.alarms.set(match[1], alarm);
        if (alarm.name !== null) this.object(match[1], alarm.name);
      }
    }
  }
}

/** A stub: fetch() and any other method name is a call into the object (workerd's RPC). */
class DurableObject {
  constructor(obj, id) {
    this.id = id;
    if (id.name !== undefined) this.name = id.name;
    this.fetch = (input, init) => {
      const request = input instanceof Request && init === undefined ? input : new Request(input, init);
      return obj.call('fetch', [request]);
    };
  }
}

// Names a stub must not answer as methods: `then` (or every stub would be a thenable that
// `await` unwraps) and what JavaScript and Pyodide look for to learn an object's type.
const NOT_METHODS = new Set(['then', 'toJSON', 'constructor', 'inspect', 'asymmetricMatch', 'nodeType', '$$typeof']);

function makeStub(obj, id) {
  const stub = new DurableObject(obj, id);
  return new Proxy(stub, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop in target || NOT_METHODS.has(prop)) return Reflect.get(target, prop, receiver);
      return (...args) => obj.call(prop, args);
    },
  });
}

/**
 * Values cross the RPC boundary as copies, as workerd serialises them (V8's structured
 * clone). Only data is copied: Node's structuredClone would turn a Request, Response or any
 * class instance into a plain object, so those cross as themselves (workerd passes them by
 * reference or streams them, which a caller cannot tell apart in the common cases).
 */
function crossBoundary(value) {
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  const data = proto === Object.prototype || proto === null || Array.isArray(value) || value instanceof Date
    || value instanceof Map || value instanceof Set || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
  if (!data) return value;
  try {
    return structuredClone(value);
  } catch {
    return value; // a function or stub inside: passed as it is
  }
}

/** One object: its instance, storage, queue of calls and alarm. */
class LocalObject {
  constructor(host, ns, hex, name) {
    this.host = host;
    this.ns = ns;
    this.hex = hex;
    this.name = name;
    this.instance = null;
    this.store = null;
    this.tail = Promise.resolve();
    this.blockers = [];
  }

  /** Open the object's database (its file, if it has one). */
  openStore() {
    if (this.store) return;
    const { host, ns } = this;
    this.store = new ObjectStore(host.SQL, path.join(ns.dir, `${this.hex}.sqlite`), {
      onAlarmChange: (scheduledMs) => {
        if (scheduledMs === null) ns.alarms.delete(this.hex);
        else ns.alarms.set(this.hex, this.store.alarm());
        host.schedule();
      },
    });
    this.store.name = this.name ?? null;
  }

  /** Make the Python instance with `(state, env)`, as workerd does on the first event. */
  construct() {
    const { host, ns } = this;
    if (!host.worker?.instantiate) throw new Error('Durable Objects need a Python Worker in this runtime');
    this.openStore();
    const object = this;
    const state = new DurableObjectState({
      id: new DurableObjectId(this.hex, this.name),
      storage: new DurableObjectStorage(this.store),
      waitUntil(promise) {
        // Work that goes on after the call has returned: its writes reach the file when it ends.
        Promise.resolve(promise)
          .catch((err) => host.log(`[runtime] ${ns.className} waitUntil task failed: ${err?.stack ?? err}`))
          .finally(() => object.store.flush());
      },
      blockConcurrencyWhile(fn) {
        const done = Promise.resolve().then(() => fn());
        object.blockers.push(done.catch(() => {}));
        return done;
      },
    });
    this.instance = host.worker.instantiate(ns.className, state, host.env);
    host.stats.do_instances += 1;
  }

  /** Queue `method(args)`; resolves with its result or rejects with its error. */
  call(method, args) {
    const run = async () => {
      this.host.stats.do_calls += 1;
      try {
        if (!this.instance) this.construct();
        while (this.blockers.length) await this.blockers.shift();
        return crossBoundary(await this.host.worker.callMethod(this.instance, method, args.map(crossBoundary)));
      } catch (err) {
        this.host.stats.do_errors += 1;
        // A plain Error with the message (the Python traceback) crosses back, as over RPC.
        throw new Error(String(err?.message ?? err));
      } finally {
        this.store?.flush();
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => {});
    return result;
  }

  /**
   * Run the alarm if it is due at `nowMs`: workerd deletes it before calling `alarm()`
   * (one set during the call stands); a failure sets it again after a backoff, up to
   * ALARM_MAX_RETRIES times. Returns what ran, or null if nothing was due when its turn came.
   */
  runAlarm(nowMs) {
    const run = async () => {
      this.openStore();
      const alarm = this.store.alarm();
      if (!alarm || alarm.scheduledMs > nowMs) return null;
      if (this.name === undefined && alarm.name !== null) this.name = alarm.name;
      this.store.setAlarm(null);
      const report = {
        class: this.ns.className, id: this.hex, name: this.name ?? null,
        scheduled_ms: alarm.scheduledMs, retry_count: alarm.retryCount,
      };
      this.host.stats.alarms_run += 1;
      try {
        if (!this.instance) this.construct();
        await this.host.worker.callMethod(this.instance, 'alarm', [{ retryCount: alarm.retryCount, isRetry: alarm.retryCount > 0 }]);
        report.outcome = 'ok';
      } catch (err) {
        this.host.stats.alarms_failed += 1;
        report.outcome = 'error';
        report.error = String(err?.message ?? err).split('\n').filter(Boolean).pop();
        this.host.log(`[runtime] alarm of ${this.ns.className} ${this.hex} failed:\n${err?.message ?? err}`);
        if (alarm.retryCount < ALARM_MAX_RETRIES && !this.store.alarm()) {
          const retryMs = nowMs + ALARM_FIRST_RETRY_MS * 2 ** alarm.retryCount;
          this.store.setAlarm(retryMs, alarm.retryCount + 1);
          report.retry_ms = retryMs;
        }
      } finally {
        this.store.flush();
      }
      return report;
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => {});
    return result;
  }
}

/** What the object's constructor gets as `state` (the SDK wraps it as `ctx`). */
class DurableObjectState {
  constructor({ id, storage, waitUntil, blockConcurrencyWhile }) {
    this.id = id;
    this.storage = storage;
    this.waitUntil = waitUntil;
    this.blockConcurrencyWhile = blockConcurrencyWhile;
  }

  abort(reason) {
    throw new Error(`Durable Object aborted${reason ? `: ${reason}` : ''}`);
  }
}
