// The Durable Objects store's own accounting of footfall's statements (#18), on the local
// runtime's object storage (tools/local-runtime/do-storage.mjs: a SQLite file per object, its
// cursor's rowsWritten counted as D1 counts them). Reads [name, sql, params] lines (JSON) on
// stdin; applies migrations/ first, as a SiteStore object does on its first call
// (src/footfall/database/objects.py); prints per statement name the rows written and read and the
// object's size before and after (sql.databaseSize). Writes the object's file to --file and,
// right after the migrations, to --baseline. Used by bench/stores.py, beside bench/d1_costs.mjs.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DurableObjectStorage, ObjectStore, loadSqlite } from '../tools/local-runtime/do-storage.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { file: { type: 'string' }, baseline: { type: 'string' } } });
const SQL = await loadSqlite();
const store = new ObjectStore(SQL, path.resolve(opts.file));
const storage = new DurableObjectStorage(store);

storage.sql.exec('CREATE TABLE IF NOT EXISTS applied_migrations (name TEXT NOT NULL PRIMARY KEY, applied_ts INTEGER NOT NULL)');
let migrationRows = 0;
for (const file of fs.readdirSync(path.join(root, 'migrations')).filter((f) => f.endsWith('.sql')).sort()) {
  storage.transactionSync(() => {
    migrationRows += storage.sql.exec(fs.readFileSync(path.join(root, 'migrations', file), 'utf8')).rowsWritten;
    // Named as the Worker names them (src/assets/schema.py): the file name without ".sql".
    migrationRows += storage.sql.exec('INSERT INTO applied_migrations VALUES (?, 0)', file.replace(/\.sql$/, '')).rowsWritten;
  });
}
if (opts.baseline) {
  store.dirty = true;
  store.flush();
  fs.copyFileSync(store.file, path.resolve(opts.baseline));
}
const totals = {};
const sizeBefore = storage.sql.databaseSize;
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const [name, sql, params] = JSON.parse(line);
  const cursor = storage.sql.exec(sql, ...params);
  cursor.toArray();
  const t = (totals[name] ??= { count: 0, rows_written: 0, rows_read: 0 });
  t.count += 1;
  t.rows_written += cursor.rowsWritten;
  t.rows_read += cursor.rowsRead;
}
const sizeAfter = storage.sql.databaseSize;
store.dirty = true;
store.flush();
console.log(JSON.stringify({ totals, size_before: sizeBefore, size_after: sizeAfter, migration_rows_written: migrationRows }));
