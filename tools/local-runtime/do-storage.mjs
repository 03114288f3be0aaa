// One Durable Object's storage, as a SQLite-backed object has it in workerd: `storage.sql.exec`
// (synchronous), `transactionSync`, the alarm and `deleteAll`, on one real SQLite database file.
//
// Node 20 has no node:sqlite and native modules cannot be built offline, so the database is
// npm sql.js (SQLite 3.54 in WebAssembly): it lives in memory and `flush()` writes the whole
// database to its file (a temporary file renamed over it, so a reader never sees half a file)
// after each call into the object that changed something. Any SQLite reader (Python's sqlite3
// in the tests) sees exactly the object's rows.
//
// What the object cannot see, as workerd hides its own `_cf_*` tables: the alarm lives in
// `_cf_alarm` inside the same file, and any statement naming a `_cf_` table is refused.
// What differs from workerd is listed in README.md ("Durable Objects").
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import initSqlJs from 'sql.js';

let sqlJs = null;

/** sql.js, loaded once per process (about 35 ms). */
export async function loadSqlite() {
  sqlJs ??= await initSqlJs();
  return sqlJs;
}

// workerd refuses transaction control in exec() with this advice (the JS API rolls back on an
// exception and coalesces writes with the object's output gate).
const TRANSACTION_ADVICE = 'To execute a transaction, please use the state.storage.transaction() or '
  + 'state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. '
  + 'The JavaScript API is safer because it will automatically roll back on exceptions, and because it '
  + 'interacts correctly with Durable Objects\' automatic atomic write coalescing.';
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;
const HIDDEN_TABLE = /(^|[^A-Za-z0-9_])_cf_/i;
const ALARM_TABLE = '_cf_alarm';

/** Split SQL text into statements at top-level semicolons (quotes and comments respected). */
export function splitStatements(sql) {
  const out = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      i = sql.indexOf(close, i + 1);
      if (i < 0) break;
      i += 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      i = sql.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === '/' && sql[i + 1] === '*') {
      i = sql.indexOf('*/', i + 2);
      if (i < 0) break;
      i += 2;
    } else if (c === ';') {
      out.push(sql.slice(start, i));
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  out.push(sql.slice(start));
  return out.filter((s) => stripComments(s).trim() !== '');
}

/** SQL without its string literals ('...'), so that a value mentioning `_cf_` is no table name. */
function withoutStrings(sql) {
  return sql.replace(/'(?:[^']|'')*'/g, "''");
}

function stripComments(sql) {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/** workerd's SqlStorageValue: what a binding may be, checked as workerd's type does. */
function bindingValue(value, index) {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  // Booleans, undefined and BigInt are refused here so that code tested locally does not rely
  // on a conversion production's binding (string, number, ArrayBuffer or null) may not make.
  throw new TypeError(`SQL binding ${index + 1} must be a string, number, ArrayBuffer or null, got ${value === undefined ? 'undefined' : typeof value}`);
}

/** A column value as workerd returns it: a BLOB is an ArrayBuffer. */
function columnValue(value) {
  if (value instanceof Uint8Array) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

/** What exec() returns: the rows of its last statement, already run (see README.md). */
export class SqlStorageCursor {
  #rows;
  #index = 0;

  constructor(columnNames, rows, rowsRead, rowsWritten) {
    this.columnNames = columnNames;
    this.#rows = rows;
    this.rowsRead = rowsRead;
    this.rowsWritten = rowsWritten;
  }

  #object(row) {
    const obj = {};
    this.columnNames.forEach((name, i) => {
      obj[name] = row[i];
    });
    return obj;
  }

  next() {
    if (this.#index >= this.#rows.length) return { done: true, value: undefined };
    const row = this.#rows[this.#index];
    this.#index += 1;
    return { done: false, value: this.#object(row) };
  }

  [Symbol.iterator]() {
    return this;
  }

  /** Every remaining row as an object. */
  toArray() {
    const out = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  }

  /** The one row; workerd throws unless there is exactly one. */
  one() {
    const rest = this.#rows.length - this.#index;
    if (rest === 0) throw new Error('Expected exactly one result from SQL query, but got no results.');
    if (rest > 1) throw new Error('Expected exactly one result from SQL query, but got multiple results.');
    return this.next().value;
  }

  /** The remaining rows as arrays of values, in column order. */
  raw() {
    return new SqlStorageRawCursor(() => this.#nextRaw());
  }

  #nextRaw() {
    if (this.#index >= this.#rows.length) return { done: true, value: undefined };
    const row = this.#rows[this.#index];
    this.#index += 1;
    return { done: false, value: [...row] };
  }
}

/**
 * What raw() returns. A class, not a plain object: the SDK turns plain objects into dicts,
 * and an iterator must stay an iterator.
 */
export class SqlStorageRawCursor {
  #next;

  constructor(next) {
    this.#next = next;
  }

  next() {
    return this.#next();
  }

  [Symbol.iterator]() {
    return this;
  }

  toArray() {
    const out = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  }
}

/** `storage.sql`: exec() and databaseSize. */
export class SqlStorage {
  #store;

  constructor(store) {
    this.#store = store;
  }

  /**
   * Run `query` (one or more statements; the bindings go to the last one, which gives the
   * cursor) and return its cursor. Synchronous, as in workerd.
   */
  exec(query, ...bindings) {
    return this.#store.exec(String(query), bindings);
  }

  get databaseSize() {
    return this.#store.databaseSize();
  }
}

/**
 * The storage of one object: its database, file and alarm. The class name matters: the SDK
 * wraps `ctx.storage` only when its constructor is named `DurableObjectStorage`.
 */
export class DurableObjectStorage {
  #store;

  constructor(store) {
    this.#store = store;
    this.sql = new SqlStorage(store);
  }

  /** Run `fn` in a transaction: all its writes or none (an exception rolls back and rethrows). */
  transactionSync(fn) {
    return this.#store.transactionSync(fn);
  }

  /** Run `fn` (async allowed) in a transaction, as `transaction()` does. */
  async transaction(fn) {
    return this.#store.transaction(fn);
  }

  async setAlarm(scheduledTime) {
    const ms = scheduledTime instanceof Date ? scheduledTime.getTime() : Number(scheduledTime);
    if (!Number.isFinite(ms)) throw new TypeError('setAlarm() expects a Date or milliseconds since the epoch');
    this.#store.setAlarm(Math.trunc(ms), 0);
  }

  async getAlarm() {
    return this.#store.alarm()?.scheduledMs ?? null;
  }

  async deleteAlarm() {
    this.#store.setAlarm(null);
  }

  /** Everything this object stored, its alarm too, is gone; the file holds an empty database. */
  async deleteAll() {
    this.#store.deleteAll();
  }

  /** Writes reach the file when the call into the object ends; nothing to wait for. */
  async sync() {}

  // The key-value API, which a SQLite-backed object keeps in its hidden `_cf_KV` table. Values
  // are stored as V8's serialisation (structured clone), as workerd stores them.

  /** A key's value (undefined if absent), or for a list of keys a Map of those present. */
  async get(keys) {
    if (Array.isArray(keys)) {
      const found = new Map();
      for (const key of keys) {
        const value = this.#store.kvGet(String(key));
        if (value !== undefined) found.set(String(key), value);
      }
      return found;
    }
    return this.#store.kvGet(String(keys));
  }

  /** put(key, value), or put({key: value, ...}). */
  async put(keyOrEntries, value) {
    if (typeof keyOrEntries === 'object' && keyOrEntries !== null) {
      for (const [k, v] of Object.entries(keyOrEntries)) this.#store.kvPut(k, v);
    } else {
      if (value === undefined) throw new TypeError('put() needs a value');
      this.#store.kvPut(String(keyOrEntries), value);
    }
  }

  /** delete(key) answers whether it existed; delete([keys]) how many did. */
  async delete(keys) {
    if (Array.isArray(keys)) return keys.filter((k) => this.#store.kvDelete(String(k))).length;
    return this.#store.kvDelete(String(keys));
  }

  /** The entries in key order: options start, startAfter, end, prefix, reverse, limit. */
  async list(options = {}) {
    return this.#store.kvList(options ?? {});
  }
}

/** The database of one object, its file, and what changed since the last flush. */
export class ObjectStore {
  constructor(SQL, file, { onAlarmChange = () => {} } = {}) {
    this.SQL = SQL;
    this.file = file;
    this.onAlarmChange = onAlarmChange;
    this.db = fs.existsSync(file) ? new SQL.Database(fs.readFileSync(file)) : new SQL.Database();
    this.dirty = false;
    this.depth = 0; // open transactionSync levels
    this.written = 0;
    this.flushes = 0;
    this.flushMs = 0;
    this.#hook();
  }

  /**
   * Count rows written as D1 and workerd bill them (as the local D1 of wrangler 4.86 counts: an
   * insert into a table with one index writes 2, an update of unindexed columns 1, a delete
   * 1): a row inserted counts 1 plus one per index on its table, a row updated 1 plus one per
   * index that has a column the update sets, a row deleted 1. SQLite's update hook cannot
   * do this (it skips WITHOUT ROWID tables and says nothing of indexes), so TEMP triggers on
   * every table call a counting function; they live in the connection, never in the file,
   * and are made again whenever the schema changes.
   */
  #hook() {
    this.db.create_function('_local_rows_written', (n) => {
      this.written += n;
      return null;
    });
    this.instrumentedVersion = null;
  }

  #instrument() {
    const version = this.db.exec('PRAGMA schema_version')[0].values[0][0];
    if (version === this.instrumentedVersion) return;
    const q = (name) => `"${String(name).replace(/"/g, '""')}"`;
    const old = this.db.exec("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE '\_local\_rw\_%' ESCAPE '\\'");
    for (const [name] of old[0]?.values ?? []) this.db.run(`DROP TRIGGER temp.${q(name)}`);
    const tables = this.db.exec("SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
      + "AND name NOT LIKE 'sqlite\_%' ESCAPE '\\'");
    let n = 0;
    for (const [table, withoutRowid] of tables[0]?.values ?? []) {
      const indexes = [];
      for (const [name, origin] of this.db.exec(`SELECT name, origin FROM pragma_index_list(${sqlString(table)})`)[0]?.values ?? []) {
        if (withoutRowid && origin === 'pk') continue; // the table itself
        const cols = this.db.exec(`SELECT name FROM pragma_index_info(${sqlString(name)})`)[0]?.values.map((r) => r[0]) ?? [];
        indexes.push(cols);
      }
      const on = `main.${q(table)}`;
      const fire = (k) => `BEGIN SELECT _local_rows_written(${k}); END`;
      this.db.run(`CREATE TEMP TRIGGER ${q(`_local_rw_${n}_i`)} AFTER INSERT ON ${on} ${fire(1 + indexes.length)}`);
      this.db.run(`CREATE TEMP TRIGGER ${q(`_local_rw_${n}_d`)} AFTER DELETE ON ${on} ${fire(1)}`);
      this.db.run(`CREATE TEMP TRIGGER ${q(`_local_rw_${n}_u`)} AFTER UPDATE ON ${on} ${fire(1)}`);
      indexes.forEach((cols, i) => {
        // An index on an expression (a column of NULL name) may change with any update.
        const of = cols.every((c) => c !== null) ? ` OF ${cols.map(q).join(', ')}` : '';
        this.db.run(`CREATE TEMP TRIGGER ${q(`_local_rw_${n}_u${i}`)} AFTER UPDATE${of} ON ${on} ${fire(1)}`);
      });
      n += 1;
    }
    this.instrumentedVersion = version;
  }

  /** The alarm kept in the file: `{scheduledMs, retryCount, name}` or null. */
  alarm() {
    if (!this.#hasAlarmTable()) return null;
    const rows = this.db.exec(`SELECT scheduled_ms, retry_count, object_name FROM ${ALARM_TABLE} WHERE id = 1`);
    const row = rows[0]?.values[0];
    return row ? { scheduledMs: row[0], retryCount: row[1], name: row[2] } : null;
  }

  #hasAlarmTable() {
    return this.db.exec(`SELECT 1 FROM sqlite_master WHERE name = '${ALARM_TABLE}'`).length > 0;
  }

  /** Set (or with null, delete) the alarm; `name` is kept so a restarted runtime can name it. */
  setAlarm(scheduledMs, retryCount = 0, name = this.name ?? null) {
    if (scheduledMs === null) {
      if (this.#hasAlarmTable()) this.db.run(`DELETE FROM ${ALARM_TABLE}`);
    } else {
      this.db.run(`CREATE TABLE IF NOT EXISTS ${ALARM_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), `
        + 'scheduled_ms INTEGER NOT NULL, retry_count INTEGER NOT NULL, object_name TEXT)');
      this.db.run(`INSERT OR REPLACE INTO ${ALARM_TABLE} VALUES (1, ?, ?, ?)`, [scheduledMs, retryCount, name]);
    }
    this.dirty = true;
    this.onAlarmChange(scheduledMs);
  }

  exec(query, bindings) {
    const statements = splitStatements(query);
    if (statements.length === 0) return new SqlStorageCursor([], [], 0, 0);
    for (const s of statements) {
      const text = stripComments(s).trim();
      if (TRANSACTION_CONTROL.test(text)) throw new Error(TRANSACTION_ADVICE);
      if (HIDDEN_TABLE.test(withoutStrings(text))) throw new Error(`access to ${text.match(/_cf_\w*/i)[0]} is prohibited: SQLITE_AUTH`);
    }
    const values = bindings.map(bindingValue);
    let cursor = null;
    statements.forEach((s, i) => {
      const last = i === statements.length - 1;
      cursor = this.#run(s, last ? values : []);
    });
    return cursor;
  }

  /** One statement: every row read now (workerd steps lazily; see README.md). */
  #run(sql, values) {
    this.#instrument();
    const before = this.written;
    let stmt;
    try {
      stmt = this.db.prepare(sql);
    } catch (err) {
      throw sqliteError(err);
    }
    try {
      if (values.length) stmt.bind(values);
      const rows = [];
      try {
        while (stmt.step()) rows.push(stmt.get().map(columnValue));
      } catch (err) {
        throw sqliteError(err);
      }
      const columnNames = stmt.getColumnNames();
      const written = this.written - before;
      // Only a SELECT (that wrote nothing) leaves the file as it was.
      if (written > 0 || !/^\s*SELECT\b/i.test(stripComments(sql))) this.dirty = true;
      // workerd counts rows SQLite visited; sql.js cannot see that, so rows returned stand in.
      return new SqlStorageCursor(columnNames, rows, rows.length, written);
    } finally {
      stmt.free();
    }
  }

  transactionSync(fn) {
    return this.#inSavepoint(() => {
      const result = fn();
      if (result && typeof result.then === 'function') {
        throw new TypeError('transactionSync() callback must not be async; use transaction()');
      }
      return result;
    });
  }

  async transaction(fn) {
    return this.#inSavepoint(() => fn({ rollback: () => { throw new Error('rollback() is not supported locally'); } }));
  }

  // Both transaction APIs: `body` runs inside a savepoint (so nested calls nest), released when
  // it returns or its promise settles, rolled back first when it throws or rejects.
  #inSavepoint(body) {
    const name = `footfall_tx_${this.depth}`;
    this.db.run(`SAVEPOINT ${name}`);
    this.depth += 1;
    const end = (ok) => {
      this.depth -= 1;
      this.dirty = true;
      if (!ok) this.db.run(`ROLLBACK TO ${name}`);
      this.db.run(`RELEASE ${name}`);
    };
    let result;
    try {
      result = body();
    } catch (err) {
      end(false);
      throw err;
    }
    if (result && typeof result.then === 'function') {
      return result.then((value) => { end(true); return value; }, (err) => { end(false); throw err; });
    }
    end(true);
    return result;
  }

  #kvTable() {
    this.db.run('CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID');
  }

  kvGet(key) {
    this.#kvTable();
    const rows = this.db.exec('SELECT value FROM _cf_KV WHERE key = ?', [key]);
    const blob = rows[0]?.values[0]?.[0];
    return blob === undefined ? undefined : v8.deserialize(Buffer.from(blob));
  }

  kvPut(key, value) {
    this.#kvTable();
    this.db.run('INSERT OR REPLACE INTO _cf_KV VALUES (?, ?)', [key, new Uint8Array(v8.serialize(value))]);
    this.dirty = true;
  }

  kvDelete(key) {
    this.#kvTable();
    this.db.run('DELETE FROM _cf_KV WHERE key = ?', [key]);
    const deleted = this.db.getRowsModified() > 0;
    if (deleted) this.dirty = true;
    return deleted;
  }

  kvList({ start, startAfter, end, prefix, reverse = false, limit } = {}) {
    this.#kvTable();
    const where = [];
    const args = [];
    if (start !== undefined) { where.push('key >= ?'); args.push(String(start)); }
    if (startAfter !== undefined) { where.push('key > ?'); args.push(String(startAfter)); }
    if (end !== undefined) { where.push('key < ?'); args.push(String(end)); }
    if (prefix !== undefined) { where.push('substr(key, 1, ?) = ?'); args.push(String(prefix).length, String(prefix)); }
    let sql = 'SELECT key, value FROM _cf_KV';
    if (where.length) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ` ORDER BY key ${reverse ? 'DESC' : 'ASC'}`;
    if (limit !== undefined) { sql += ' LIMIT ?'; args.push(Number(limit)); }
    const out = new Map();
    for (const [k, v] of this.db.exec(sql, args)[0]?.values ?? []) out.set(k, v8.deserialize(Buffer.from(v)));
    return out;
  }

  databaseSize() {
    const pages = this.db.exec('PRAGMA page_count')[0].values[0][0];
    const size = this.db.exec('PRAGMA page_size')[0].values[0][0];
    return pages * size;
  }

  deleteAll() {
    this.db.close();
    this.db = new this.SQL.Database();
    this.#hook();
    this.dirty = true;
    this.onAlarmChange(null);
  }

  /** Write the database to its file if anything changed (the whole file: see the top). */
  flush() {
    if (!this.dirty) return false;
    const t0 = performance.now();
    const bytes = this.db.export();
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, this.file);
    this.dirty = false;
    this.flushes += 1;
    this.flushMs += performance.now() - t0;
    return true;
  }
}

function sqlString(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

/** sql.js errors carry SQLite's message; workerd's add the result code's name. */
function sqliteError(err) {
  const message = String(err?.message ?? err);
  return new Error(/SQLITE_/.test(message) ? message : `${message}: SQLITE_ERROR`);
}
