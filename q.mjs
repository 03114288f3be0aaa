import { getPlatformProxy } from 'wrangler';
import fs from 'node:fs';
const p = await getPlatformProxy({ configPath: 'wrangler.toml', persist: { path: '/tmp/benchstate/v3' } });
const queries = JSON.parse(fs.readFileSync(0, 'utf8'));
for (const [name, sql, params] of queries) {
  try {
    const r = await p.env.DB.prepare(sql).bind(...params).all();
    console.log(name, 'rows_read', r.meta.rows_read, 'rows', r.results.length);
  } catch (e) { console.log(name, 'ERR', e.message); }
}
await p.dispose();
