// Builds the tracker: the modules in client/src/ -> client/dist/script.js (bundled, minified
// and mangled by esbuild) and src/assets/tracker.py, the module the Worker serves it from (a
// Python Worker ships Python modules, so the script travels as a string constant).
// Prints raw, gzip -9 and brotli sizes against client/budget.json and fails above its limit.
// Run by `make` and by wrangler's [build] command, so dev and deploy always ship a fresh build.
import { buildSync } from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// One budget for the build, tests/browser/test_tracker.py and bench/tracker_size.py:
// `goal` is what we aim for, `limit` the size nobody may cross.
const budget = JSON.parse(fs.readFileSync(path.join(root, 'client/budget.json'), 'utf8'));

const result = buildSync({
  entryPoints: [path.join(root, 'client/src/main.js')],
  bundle: true,
  format: 'iife',
  // minify = whitespace + syntax + identifiers: local names become one letter, so the source
  // can keep readable names. Property names are left alone: they are the DOM's and the wire's.
  minify: true,
  write: false,
  target: ['es2020'],
  legalComments: 'none',
  // One try around everything that runs as the script loads, so that nothing can throw into
  // the page; listeners run later, and sending swallows its own errors (transport.js).
  banner: { js: 'try{' },
  footer: { js: '}catch(e){}' },
});
const code = result.outputFiles[0].text.trim();
fs.mkdirSync(path.join(root, 'client/dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'client/dist/script.js'), code);

const etag = crypto.createHash('sha256').update(code).digest('hex').slice(0, 16);
const module = `"""The tracker script, built from client/src/ by client/build.mjs. Do not edit: rebuild."""

SCRIPT = ${JSON.stringify(code)}
ETAG = '"${etag}"'
`;
fs.mkdirSync(path.join(root, 'src/assets'), { recursive: true });
fs.writeFileSync(path.join(root, 'src/assets/tracker.py'), module);

const raw = Buffer.byteLength(code);
const gzip = zlib.gzipSync(code, { level: 9 }).length;
const brotli = zlib.brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const verdict = gzip <= budget.goal ? 'within the goal' : `${gzip - budget.goal} over the goal`;
console.log(`tracker: ${raw} bytes raw, ${gzip} bytes gzip -9 (${verdict} of ${budget.goal}; ` +
  `limit ${budget.limit}, client/budget.json), ${brotli} bytes brotli`);
if (gzip > budget.limit) {
  console.error(`tracker: ${gzip} bytes gzip -9 is over the limit of ${budget.limit} (client/budget.json)`);
  process.exit(1);
}
