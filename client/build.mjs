// Builds the tracker: client/footfall.js -> client/dist/script.js (minified by esbuild) and
// src/assets/tracker.py, the module the Worker serves it from (a Python Worker ships Python
// modules, so the script travels as a string constant). Prints raw, gzip -9 and brotli sizes.
// Run by `make` and by wrangler's [build] command, so dev and deploy always ship a fresh build.
import { buildSync } from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const result = buildSync({
  entryPoints: [path.join(root, 'client/footfall.js')],
  minify: true,
  write: false,
  target: ['es2020'],
  legalComments: 'none',
});
const code = result.outputFiles[0].text.trim();
fs.mkdirSync(path.join(root, 'client/dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'client/dist/script.js'), code);

const etag = crypto.createHash('sha256').update(code).digest('hex').slice(0, 16);
const module = `"""The tracker script, built from client/footfall.js by client/build.mjs. Do not edit: rebuild."""

SCRIPT = ${JSON.stringify(code)}
ETAG = '"${etag}"'
`;
fs.mkdirSync(path.join(root, 'src/assets'), { recursive: true });
fs.writeFileSync(path.join(root, 'src/assets/tracker.py'), module);

const raw = Buffer.byteLength(code);
const gzip = zlib.gzipSync(code, { level: 9 }).length;
const brotli = zlib.brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`tracker: ${raw} bytes raw, ${gzip} bytes gzip -9, ${brotli} bytes brotli (budget 1024 gzip)`);
