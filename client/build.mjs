// Builds the tracker: the modules in client/src/ -> client/dist/script.js (bundled by esbuild,
// compressed and mangled by terser) and src/assets/tracker.py, the module the Worker serves it from (a
// Python Worker ships Python modules, so the script travels as a string constant).
// Prints raw, gzip -9 and brotli sizes against client/budget.json and fails above its limit.
// Run by `make` and by wrangler's [build] command, so dev and deploy always ship a fresh build.
import { buildSync } from 'esbuild';
import { minify } from 'terser';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// One budget for the build, tests/browser/test_tracker.py and bench/tracker_size.py:
// `goal` is what we aim for, `limit` the size nobody may cross.
const budget = JSON.parse(fs.readFileSync(path.join(root, 'client/budget.json'), 'utf8'));

// esbuild bundles the modules into one (minifySyntax turns const into let, which gzip finds
// beside the other lets); terser compresses and mangles it. Measured on these sources
// (gzip -9): esbuild's own minifier 1,067 B, this 1,016 B: terser's passes inline the
// one-use helpers and fold the modules' top-level names into one declaration. Its unsafe
// options changed nothing here, so none is on.
const bundled = buildSync({
  entryPoints: [path.join(root, 'client/src/main.js')],
  bundle: true,
  format: 'esm',
  minifySyntax: true,
  write: false,
  target: ['es2020'],
  legalComments: 'none',
}).outputFiles[0].text;
const minified = await minify(bundled, {
  ecma: 2020,
  module: true, // the bundle's top-level names are its own: mangle them, drop the unused
  compress: { passes: 3 },
  mangle: true,
  format: { comments: false },
});
// Local names stay local in an arrow function called at once. One try around everything
// that runs as the script loads, so that nothing can throw into the page; listeners run
// later, and sending swallows its own errors (transport.js).
const code = `(()=>{try{${minified.code.replace(/;$/, "")}}catch{}})()`;
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
