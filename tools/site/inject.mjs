#!/usr/bin/env node
// Deploy-time tag injection for the static-assets mode (#11): copy a site's build directory to
// OUT_DIR and add footfall's tag in <head> of every HTML page (the root 404.html excepted), so the pages are
// served by Cloudflare as static assets (free, no Worker invocation) and still tracked.
//
//   node tools/site/inject.mjs SRC_DIR OUT_DIR [--prefix /_ff] [--attr data-x=y ...]
//
// - SRC_DIR is only read. OUT_DIR is rebuilt from scratch in a temporary sibling folder and
//   swapped in at the end (a failed run leaves the previous OUT_DIR as it was).
// - Pages (.html, .htm) get `<script defer src="{prefix}/script.js" ...attrs></script>` before
//   `</head>` (at the start of a <head> that has no end tag), through the same lol-html
//   HTMLRewriter the local runtime provides; every other byte of the page is kept. A page that already loads a script whose src ends with
//   `{prefix}/script.js` is copied unchanged (so running on its own output changes nothing).
//   A page without a <head> tag gets it before <body> (or at the start of <html>); a fragment
//   with none of the three (a verification file, a partial) is left alone.
// - Every other file is copied byte for byte.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HTMLRewriter } from '../local-runtime/html-rewriter.mjs';

const USAGE = 'usage: node tools/site/inject.mjs SRC_DIR OUT_DIR [--prefix /_ff] [--attr name=value ...]';
const ATTR_NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*$/;

function fail(message) {
  console.error(`inject: ${message}\n${USAGE}`);
  process.exit(2);
}

function escapeAttr(value) {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `/_ff`, `_ff/` and `/_ff/` all mean `/_ff`; `/` means the site's root. */
export function normalisePrefix(prefix) {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed && !trimmed.startsWith('/')) return `/${trimmed}`;
  return trimmed;
}

export function scriptTag(prefix, attrs) {
  const extra = attrs.map(([name, value]) => ` ${name}="${escapeAttr(value)}"`).join('');
  return `<script defer src="${escapeAttr(`${prefix}/script.js`)}"${extra}></script>`;
}

async function rewrite(bytes, rewriter) {
  return new Uint8Array(await rewriter.transform(new Response(bytes)).arrayBuffer());
}

/** The page with the tag, or null when it already has one or has no <head> nor <body>. */
export async function injectPage(bytes, { prefix, tag }) {
  const suffix = `${prefix}/script.js`;
  let tagged = false;
  let head = false;
  // Minified pages often leave </head> out, and lol-html only places an append at an end tag
  // it sees: such a head gets the tag at its start (a deferred script runs after parsing
  // wherever it stands).
  const headEnds = /<\/head\s*>/i.test(bytes.toString('latin1'));
  let body = false;
  let html = false;
  await rewrite(bytes, new HTMLRewriter()
    .on('script[src]', {
      element(el) {
        if (el.getAttribute('src').trim().replace(/[?#].*$/, '').endsWith(suffix)) tagged = true;
      },
    })
    .on('head', { element() { head = true; } })
    .on('body', { element() { body = true; } })
    .on('html', { element() { html = true; } }));
  if (tagged) return { status: 'already-tagged', bytes };
  if (!head && !body && !html) return { status: 'no-head', bytes };
  const place = async (end) => {
    let done = false;
    return rewrite(bytes, new HTMLRewriter()
      .on('head', { element(el) { if (!done) { el[end ? 'append' : 'prepend'](tag, { html: true }); done = true; } } })
      .on('body', { element(el) { if (!done && !head) { el.before(tag, { html: true }); done = true; } } })
      .on('html', { element(el) { if (!done && !head && !body) { el.prepend(tag, { html: true }); done = true; } } }));
  };
  let out = await place(headEnds);
  // "</head>" in a script string, a textarea or a comment, and no real end tag: the append
  // waited for an end that never came. The head's start then.
  if (out.length === bytes.length) out = await place(false);
  return { status: 'tagged', bytes: out };
}

function isInside(child, parent) {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function copyTree(src, out, options, counts) {
  fs.mkdirSync(out, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(out, entry.name);
    const stat = fs.statSync(from); // follows symbolic links: the copy holds real files
    if (stat.isDirectory()) {
      await copyTree(from, to, options, counts);
    } else if (entry.name === '404.html') {
      // A not-found page (not_found_handling = "404-page" serves the nearest one up the path):
      // without the proxy nobody can tell the tracker it is a 404, and a missing page must not
      // count as a page view.
      fs.copyFileSync(from, to);
      counts['not-found-page'] += 1;
    } else if (/\.html?$/i.test(entry.name)) {
      const result = await injectPage(fs.readFileSync(from), options);
      fs.writeFileSync(to, result.bytes);
      counts[result.status] += 1;
    } else if (stat.isFile()) {
      fs.copyFileSync(from, to);
      counts.other += 1;
    }
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { prefix: { type: 'string', default: '/_ff' }, attr: { type: 'string', multiple: true, default: [] } },
    });
  } catch (err) {
    fail(err.message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) fail('expected SRC_DIR and OUT_DIR');
  const src = path.resolve(positionals[0]);
  const out = path.resolve(positionals[1]);
  if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) fail(`${positionals[0]} is not a directory`);
  // OUT_DIR is deleted and rebuilt: never the source, a folder holding it, or the work tree.
  if (isInside(out, src) || isInside(src, out)) fail('OUT_DIR must be outside SRC_DIR (and not contain it)');
  if (isInside(process.cwd(), out)) fail('OUT_DIR must not be the current directory or one of its parents');

  const attrs = values.attr.map((item) => {
    const i = item.indexOf('=');
    const name = i < 0 ? item : item.slice(0, i);
    if (!ATTR_NAME.test(name)) fail(`bad attribute name in --attr ${JSON.stringify(item)}`);
    return [name, i < 0 ? '' : item.slice(i + 1)];
  });
  const prefix = normalisePrefix(values.prefix);
  const options = { prefix, tag: scriptTag(prefix, attrs) };

  const counts = { tagged: 0, 'already-tagged': 0, 'no-head': 0, 'not-found-page': 0, other: 0 };
  const staging = `${out}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    await copyTree(src, staging, options, counts);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(staging, out);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const pages = counts.tagged + counts['already-tagged'] + counts['no-head'];
  console.log(`inject: tagged ${counts.tagged} of ${pages} HTML pages with ${options.tag} `
    + `(${counts['already-tagged']} already had it, ${counts['no-head']} fragments without <html>, <head> or <body> left alone); `
    + `the not-found page left untagged (${counts['not-found-page']}); `
    + `copied ${counts.other} other files unchanged into ${positionals[1]}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`inject: ${err?.stack ?? err}`);
    process.exit(1);
  });
}
