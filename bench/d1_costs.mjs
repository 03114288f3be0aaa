// D1's own accounting of statements footfall makes: reads [name, sql, params] lines (JSON) on
// stdin, runs each against the local D1 in --persist-to (already migrated), and prints per
// statement name the rows written and read as D1 reports them (meta.rows_written, rows_read),
// plus the database's size before and after (meta.size_after). Used by bench/capacity.py.
import readline from 'node:readline';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getPlatformProxy } from 'wrangler';
import { PlatformSupervisor } from '../tools/local-runtime/platform.mjs';

const { values: opts } = parseArgs({ options: { 'persist-to': { type: 'string' } } });
// Through the local runtime's supervisor: it survives miniflare's synchronous-call race.
const supervisor = new PlatformSupervisor(() => getPlatformProxy({
  configPath: 'wrangler.toml',
  persist: { path: path.join(path.resolve(opts['persist-to']), 'v3') },
}));
await supervisor.init();
const db = supervisor.d1('DB');
const totals = {};
let sizeBefore = null;
let sizeAfter = null;
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const [name, sql, params] = JSON.parse(line);
  const { meta } = await db.prepare(sql).bind(...params).run();
  if (sizeBefore === null) sizeBefore = meta.size_after;
  sizeAfter = meta.size_after;
  const t = (totals[name] ??= { count: 0, rows_written: 0, rows_read: 0 });
  t.count += 1;
  t.rows_written += meta.rows_written;
  t.rows_read += meta.rows_read;
}
console.log(JSON.stringify({ totals, size_before: sizeBefore, size_after: sizeAfter }));
await supervisor.dispose();
