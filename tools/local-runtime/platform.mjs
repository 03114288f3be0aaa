// The bindings from wrangler's getPlatformProxy(), kept usable when the connection to their
// workerd process breaks.
//
// getPlatformProxy() starts workerd as a child process and reaches each binding over a loopback
// HTTP connection. If that process dies or the connection drops, every D1 call fails with
// `fetch failed` (cause ECONNREFUSED, ECONNRESET, ...) until the runtime is restarted. Here a
// failure of that kind disposes of the proxy and starts a new one (about 0.2 s; the D1 files on
// disk are the same), once, however many requests noticed it. The call that noticed is retried
// only when its connection was refused (nothing reached the database); a call whose connection
// broke mid-way is not repeated (a write may have happened) and fails as before, and the next
// call uses the new proxy.
//
// Under load, miniflare's SynchronousFetcher (behind the synchronous prepare() and bind() of a
// platform-proxy binding) can read its reply before the reply has arrived: it fails an internal
// assertion, and from then on every synchronous call reads the previous call's reply and fails
// the same way: the "D1 binding broken until restart" seen under parallel load. That is treated
// like a lost connection (a new proxy), and the call is retried: nothing was sent to the
// database yet, prepare() and bind() have no effects.

const CONNECTION_LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * The error code that says the connection to workerd is gone, or null. Errors of synchronous
 * calls (prepare, bind) cross a worker thread and keep only their message, not their code.
 */
export function connectionLost(err) {
  for (let e = err, depth = 0; e && depth < 5; e = e.cause, depth += 1) {
    if (e.code === 'ERR_ASSERTION' && /SynchronousFetcher/.test(String(e.stack ?? ''))) return 'SYNC_FETCH_DESYNC';
    if (CONNECTION_LOST.has(e.code)) return e.code;
    const named = /\b(ECONNREFUSED|ECONNRESET|EPIPE|ECONNABORTED)\b/.exec(String(e.message ?? ''));
    if (named) return named[1];
    if (/other side closed|socket hang up/.test(String(e.message ?? ''))) return 'UND_ERR_SOCKET';
  }
  return null;
}

export class PlatformSupervisor {
  /** `start()` returns a new getPlatformProxy() result. */
  constructor(start, { log = console.error } = {}) {
    this.start = start;
    this.log = log;
    this.proxy = null;
    this.generation = 0;
    this.restarts = 0;
    this.restarting = null;
  }

  async init() {
    this.proxy = await this.start();
    return this.proxy;
  }

  /** Replace the proxy of `generation` (no-op when it was already replaced). */
  async recover(generation, reason) {
    if (generation !== this.generation) return this.restarting;
    if (!this.restarting) {
      this.restarting = (async () => {
        const t0 = performance.now();
        const old = this.proxy;
        // A dead workerd can keep dispose() waiting: do not let it hold the runtime.
        await Promise.race([old.dispose().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
        this.proxy = await this.start();
        this.generation += 1;
        this.restarts += 1;
        this.log(`[runtime] lost the connection to the bindings' workerd (${reason}); `
          + `platform proxy restarted in ${(performance.now() - t0).toFixed(0)} ms`);
      })().finally(() => {
        this.restarting = null;
      });
    }
    return this.restarting;
  }

  async dispose() {
    await this.restarting?.catch(() => {});
    await this.proxy?.dispose();
  }

  /** Run `op(binding)` on the current proxy's binding `name`, recovering as described above. */
  async call(name, op) {
    if (this.restarting) await this.restarting;
    const generation = this.generation;
    try {
      return await op(this.proxy.env[name], generation);
    } catch (err) {
      const reason = connectionLost(err);
      if (!reason) throw err;
      await this.recover(generation, reason);
      if (reason !== 'ECONNREFUSED' && reason !== 'SYNC_FETCH_DESYNC') throw err;
      return op(this.proxy.env[name], this.generation);
    }
  }

  /** A D1 binding with the JS D1 API that survives a restart of the proxy. */
  d1(name) {
    const supervisor = this;
    class Statement {
      #built = null;

      constructor(sql, params) {
        this.sql = sql;
        this.params = params;
        // Build now, so that a bad bind() fails where it does with a real binding. prepare() and
        // bind() are synchronous calls to workerd: when it is gone, build again in call().
        try {
          this.build(supervisor.proxy.env[name], supervisor.generation);
        } catch (err) {
          if (!connectionLost(err)) throw err;
        }
      }

      /** The platform proxy's statement for the proxy of `generation`. */
      build(db, generation) {
        if (this.#built?.generation !== generation) {
          const stmt = db.prepare(this.sql);
          this.#built = { generation, stmt: this.params ? stmt.bind(...this.params) : stmt };
        }
        return this.#built.stmt;
      }

      bind(...params) {
        return new Statement(this.sql, params);
      }

      all() {
        return supervisor.call(name, (db, g) => this.build(db, g).all());
      }

      run() {
        return supervisor.call(name, (db, g) => this.build(db, g).run());
      }

      first(column) {
        return supervisor.call(name, (db, g) => (column === undefined ? this.build(db, g).first() : this.build(db, g).first(column)));
      }

      raw(options) {
        return supervisor.call(name, (db, g) => this.build(db, g).raw(options));
      }
    }
    const database = {
      prepare: (sql) => new Statement(sql, null),
      batch: (statements) => supervisor.call(name, (db, g) => db.batch(
        [...statements].map((s) => (s instanceof Statement ? s.build(db, g) : s)),
      )),
      exec: (sql) => supervisor.call(name, (db) => db.exec(sql)),
      dump: () => supervisor.call(name, (db) => db.dump()),
    };
    // Anything else of the D1 API (withSession, ...) goes to the current binding as it is.
    return new Proxy(database, {
      get(target, prop) {
        return prop in target ? target[prop] : supervisor.read(name, prop);
      },
    });
  }

  /**
   * `binding[prop]` of the current proxy's binding `name`, methods bound to it. Reading a
   * platform-proxy binding is a synchronous call to workerd, which can break under load (see
   * above), so names no binding API has are answered here: Python's getattr(b, "_binding", b)
   * asks for one on every request (edge/d1.py, edge/kv.py), and those reads were the ones seen
   * failing. A desync on any other read starts the recovery; the next call waits for it.
   */
  read(name, prop) {
    if (typeof prop !== 'string' || prop.startsWith('_') || prop === 'then') return undefined;
    const generation = this.generation;
    try {
      const binding = this.proxy.env[name];
      const value = binding?.[prop];
      return typeof value === 'function' ? value.bind(binding) : value;
    } catch (err) {
      const reason = connectionLost(err);
      if (!reason) throw err;
      this.recover(generation, reason);
      throw err;
    }
  }

  /** A binding other than D1 (KV, ...), read through `read` on each access. */
  binding(name) {
    return new Proxy({}, { get: (_, prop) => this.read(name, prop) });
  }

  /**
   * The Worker's `env`: D1 bindings wrapped as above, other bindings read from the current
   * proxy on each access (`binding`), plain variables copied.
   */
  env(d1Names) {
    const env = {};
    for (const [key, value] of Object.entries(this.proxy.env)) {
      if (d1Names.includes(key)) env[key] = this.d1(key);
      else if (value !== null && typeof value === 'object') env[key] = this.binding(key);
      else env[key] = value;
    }
    return env;
  }
}
