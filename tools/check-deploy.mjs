#!/usr/bin/env node
// Run by wrangler.toml's [build] step before every `wrangler deploy` (and `versions upload`):
// refuses while wrangler.toml still holds the placeholder ids it ships with, so a first deploy
// stops with a sentence saying what to do instead of uploading a Worker bound to a database
// that does not exist. `wrangler dev` and the local runtime use local storage, where any id
// works: nothing is checked for them. wrangler tells a build step which command runs it in
// WRANGLER_COMMAND. FOOTFALL_ALLOW_PLACEHOLDER_IDS=1 lets `wrangler deploy --dry-run` bundle
// without real ids (the tests do).
import fs from 'node:fs';

const PLACEHOLDERS = [
  {
    pattern: /^\s*database_id\s*=\s*"0{8}-0{4}-0{4}-0{4}-0{12}"/m,
    fix: 'run `npx wrangler d1 create footfall` and paste the printed database_id into wrangler.toml',
  },
  {
    pattern: /^\s*id\s*=\s*"0{32}"/m,
    fix: 'run `npx wrangler kv namespace create SALTS` and paste the printed id into [[kv_namespaces]]',
  },
];

const command = process.env.WRANGLER_COMMAND ?? '';
const config = process.argv[2] ?? 'wrangler.toml';
if (/^(deploy|versions upload)\b/.test(command) && process.env.FOOTFALL_ALLOW_PLACEHOLDER_IDS !== '1') {
  const text = fs.readFileSync(config, 'utf8');
  const fixes = PLACEHOLDERS.filter((p) => p.pattern.test(text)).map((p) => p.fix);
  if (fixes.length) {
    console.error(`footfall: ${config} still has placeholder ids, so there is nothing to deploy to yet: `
      + `${fixes.join('; then ')}. Then deploy again.`);
    process.exit(1);
  }
}
