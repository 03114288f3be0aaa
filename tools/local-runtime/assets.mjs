// Workers Static Assets (`[assets]` in wrangler.toml) for the local runtime.
//
// On Cloudflare a request first meets a router: a request for an existing asset is answered
// from the uploaded files without invoking the Worker (free, unmetered); everything else, and
// whatever `run_worker_first` names, invokes the Worker, which can read the files through its
// assets binding (`env.ASSETS.fetch(request)`). This module does the same from a directory on
// disk, read at request time (a rebuilt site is served without a restart):
//
// - `html_handling`: how `/page`, `/page/`, `/page.html` and `/page/index.html` map to files,
//   with 307 redirects to the canonical form (auto-trailing-slash, force-trailing-slash,
//   drop-trailing-slash, none);
// - `not_found_handling`: none, 404-page (the nearest 404.html, status 404) or
//   single-page-application (/index.html, status 200). The router applies it without the Worker
//   only for navigations (`Sec-Fetch-Mode: navigate`, compatibility date 2025-04-01 and later)
//   or when `run_worker_first` is a list of rules; the assets binding always applies it;
// - `run_worker_first`: true (every request invokes the Worker) or rules like
//   ["/_ff/*", "!/_ff/static/*"]: `*` matches anything, `/` included; `!` rules go to assets.
//
// tests/runtime/test_local_runtime_assets.py checks the mapping against Cloudflare's own
// asset worker (miniflare's, reached through getPlatformProxy) on a generated site.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';

export const HTML_HANDLING = ['auto-trailing-slash', 'force-trailing-slash', 'drop-trailing-slash', 'none'];
export const NOT_FOUND_HANDLING = ['none', '404-page', 'single-page-application'];
// Files wrangler reads as configuration, never uploads as assets.
const NOT_ASSETS = new Set(['/.assetsignore', '/_headers', '/_redirects']);
const NAVIGATION_FLAG_DATE = '2025-04-01';

const TEXT = '; charset=utf-8';
const CONTENT_TYPES = {
  html: `text/html${TEXT}`, htm: `text/html${TEXT}`, css: `text/css${TEXT}`,
  js: `text/javascript${TEXT}`, mjs: `text/javascript${TEXT}`, cjs: `text/javascript${TEXT}`,
  json: 'application/json', map: 'application/json', webmanifest: 'application/manifest+json',
  txt: `text/plain${TEXT}`, md: `text/markdown${TEXT}`, csv: `text/csv${TEXT}`, xml: 'application/xml',
  rss: 'application/rss+xml', atom: 'application/atom+xml', svg: 'image/svg+xml',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif',
  ico: 'image/vnd.microsoft.icon', bmp: 'image/bmp',
  woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', otf: 'font/otf', eot: 'application/vnd.ms-fontobject',
  pdf: 'application/pdf', wasm: 'application/wasm', zip: 'application/zip', gz: 'application/gzip',
  mp4: 'video/mp4', webm: 'video/webm', mp3: 'audio/mpeg', ogg: 'audio/ogg', wav: 'audio/wav',
};

export function contentTypeFor(file) {
  const ext = path.extname(file).slice(1).toLowerCase();
  return CONTENT_TYPES[ext]; // none for an unknown extension, as on Cloudflare
}

/** A `run_worker_first` rule as a RegExp over the raw URL path: `*` is any run of characters. */
function ruleRegExp(rule) {
  const escaped = rule.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/** `run_worker_first` from wrangler.toml (bool or list) or the command line (strings). */
export function parseRunWorkerFirst(value) {
  if (value === undefined || value === null || value === false) return { all: false, rules: null };
  if (value === true) return { all: true, rules: null };
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
  if (list.length === 1 && ['true', 'false'].includes(list[0])) return { all: list[0] === 'true', rules: null };
  const worker = [];
  const assets = [];
  for (const rule of list) {
    if (rule.startsWith('!/')) assets.push(ruleRegExp(rule.slice(1)));
    else if (rule.startsWith('/')) worker.push(ruleRegExp(rule));
    else throw new Error(`run_worker_first rule ${JSON.stringify(rule)} must start with '/' or '!/'`);
  }
  if (assets.length && !worker.length) throw new Error('run_worker_first: only negative rules given; add at least one rule starting with /');
  return { all: false, rules: { worker, assets, source: list } };
}

/**
 * The assets configuration: wrangler.toml's `[assets]`, overridden by command-line options.
 * Returns null when there is no directory to serve.
 */
export function assetsOptions(config, overrides = {}) {
  const fromConfig = config.assets ?? {};
  const configDir = path.dirname(path.resolve(config.configPath ?? 'wrangler.toml'));
  let directory = null;
  if (overrides.directory) directory = path.resolve(overrides.directory);
  else if (fromConfig.directory) directory = path.resolve(configDir, fromConfig.directory);
  if (!directory) return null;
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new Error(`assets directory ${directory} does not exist`);
  }
  const htmlHandling = overrides.htmlHandling ?? fromConfig.html_handling ?? 'auto-trailing-slash';
  const notFoundHandling = overrides.notFoundHandling ?? fromConfig.not_found_handling ?? 'none';
  if (!HTML_HANDLING.includes(htmlHandling)) throw new Error(`html_handling must be one of ${HTML_HANDLING.join(', ')}`);
  if (!NOT_FOUND_HANDLING.includes(notFoundHandling)) throw new Error(`not_found_handling must be one of ${NOT_FOUND_HANDLING.join(', ')}`);
  const flags = config.compatibility_flags ?? [];
  const navigationPrefersAssets = flags.includes('assets_navigation_prefers_asset_serving')
    || (!flags.includes('assets_navigation_has_no_effect') && (config.compatibility_date ?? '') >= NAVIGATION_FLAG_DATE);
  return {
    directory,
    binding: overrides.binding ?? fromConfig.binding ?? (overrides.directory ? 'ASSETS' : null),
    runWorkerFirst: parseRunWorkerFirst(overrides.runWorkerFirst ?? fromConfig.run_worker_first),
    htmlHandling,
    notFoundHandling,
    navigationPrefersAssets,
  };
}

/** Decode each segment of a URL path and fold repeated slashes, as the asset worker does. */
function decodePath(pathname) {
  return pathname.split('/').map((seg) => {
    try {
      return decodeURIComponent(seg);
    } catch {
      return seg;
    }
  }).join('/').replace(/\/+/g, '/');
}

function encodePath(pathname) {
  return pathname.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

// html_handling as steps tried in order for a request path `p`: serve a file if it exists, or
// redirect to where a file is served (only when that path really serves the same content and
// is not itself a file). Written from Cloudflare's documented behaviour and checked against
// its asset worker by tests/runtime/test_local_runtime_assets.py.
const serve = (file) => ({ serve: file });
const redirect = (file, to) => ({ file, to });
const cut = (p, n) => p.slice(0, p.length - n);

const HTML_STEPS = {
  'auto-trailing-slash': (p) => [
    ...p.endsWith('/index') ? [serve(p), redirect(`${p}.html`, cut(p, 5)), redirect(`${cut(p, 6)}.html`, cut(p, 6))]
      : p.endsWith('/index.html') ? [redirect(p, cut(p, 10)), redirect(`${cut(p, 11)}.html`, cut(p, 11))]
        : p.endsWith('/') ? [serve(`${p}index.html`), redirect(`${cut(p, 1)}.html`, cut(p, 1))]
          : p.endsWith('.html') ? [redirect(p, cut(p, 5)), redirect(`${cut(p, 5)}/index.html`, `${cut(p, 5)}/`)]
            : [],
    serve(p), serve(`${p}.html`), redirect(`${p}/index.html`, `${p}/`),
  ],
  'force-trailing-slash': (p) => [
    ...p.endsWith('/index') ? [serve(p), redirect(`${p}.html`, cut(p, 5)), redirect(`${cut(p, 6)}.html`, cut(p, 5))]
      : p.endsWith('/index.html') ? [redirect(p, cut(p, 10)), redirect(`${cut(p, 11)}.html`, cut(p, 10))]
        : p.endsWith('/') ? [serve(`${p}index.html`), serve(`${cut(p, 1)}.html`)]
          : p.endsWith('.html') ? [redirect(p, `${cut(p, 5)}/`), serve(p), redirect(`${cut(p, 5)}/index.html`, `${cut(p, 5)}/`)]
            : [],
    serve(p), redirect(`${p}.html`, `${p}/`), redirect(`${p}/index.html`, `${p}/`),
  ],
  'drop-trailing-slash': (p) => [
    ...p === '/index' ? [serve(p), redirect('/index.html', '/')]
      : p.endsWith('/index') ? [serve(p), redirect(`${cut(p, 6)}.html`, cut(p, 6)), redirect(`${p}.html`, cut(p, 6))]
        : p === '/index.html' ? [redirect(p, '/')]
          : p.endsWith('/index.html') ? [redirect(p, cut(p, 11)), serve(p), redirect(`${cut(p, 11)}.html`, cut(p, 11))]
            : p === '/' ? [serve('/index.html')]
              : p.endsWith('/') ? [redirect(`${cut(p, 1)}.html`, cut(p, 1)), redirect(`${cut(p, 1)}/index.html`, cut(p, 1))]
                : p.endsWith('.html') ? [redirect(p, cut(p, 5)), redirect(`${cut(p, 5)}/index.html`, cut(p, 5))]
                  : [],
    serve(p), serve(`${p}.html`), serve(`${p}/index.html`),
  ],
  none: (p) => [serve(p)],
};

export class AssetStore {
  constructor(options) {
    this.options = options;
    this.root = options.directory;
    this.etags = new Map();
  }

  /** The absolute path of the asset at a decoded URL path, or null. */
  file(urlPath) {
    if (!urlPath.startsWith('/') || urlPath.includes('\0') || NOT_ASSETS.has(urlPath)) return null;
    if (urlPath.split('/').some((seg) => seg === '..' || seg === '.')) return null;
    const full = path.join(this.root, urlPath);
    if (full !== this.root && !full.startsWith(this.root + path.sep)) return null;
    try {
      return fs.statSync(full).isFile() ? full : null;
    } catch {
      return null;
    }
  }

  /**
   * What the asset worker makes of a decoded path: `{file, status}`, `{redirect}` or null.
   * `notFound` is the not_found_handling applied when nothing matches.
   */
  resolve(urlPath, notFound, skipRedirects = false) {
    for (const step of HTML_STEPS[this.options.htmlHandling](urlPath)) {
      if (step.serve) {
        if (this.file(step.serve)) return { file: step.serve, status: 200 };
      } else if (!skipRedirects && this.file(step.file) && !this.file(step.to)) {
        // Only to a path that serves the same content (compared by ETag, as Cloudflare does).
        const there = this.resolve(step.to, notFound, true);
        if (there?.file && this.etag(this.file(there.file)).etag === this.etag(this.file(step.file)).etag) {
          return { redirect: step.to };
        }
      }
    }
    if (notFound === 'single-page-application' && this.file('/index.html')) return { file: '/index.html', status: 200 };
    if (notFound === '404-page') {
      for (let dir = urlPath; dir;) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        if (this.file(`${dir}/404.html`)) return { file: `${dir}/404.html`, status: 404 };
      }
    }
    return null;
  }

  etag(file) {
    const stat = fs.statSync(file);
    const key = `${stat.mtimeMs}:${stat.size}`;
    const cached = this.etags.get(file);
    if (cached?.key === key) return { etag: cached.etag, size: stat.size };
    const etag = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 32);
    this.etags.set(file, { key, etag });
    return { etag, size: stat.size };
  }

  /** The Response for a resolved intent (see `resolve`). */
  respond(request, url, intent) {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    // A redirect, or a file found under a path spelt differently from its normal encoding
    // (`//`, lower-case escapes): Cloudflare redirects to the normal spelling.
    const destination = encodePath(intent.redirect ?? decodePath(url.pathname));
    if (intent.redirect || destination !== url.pathname) {
      return new Response(null, { status: 307, headers: { location: destination + url.search } });
    }
    const full = this.file(intent.file);
    const { etag, size } = this.etag(full);
    const headers = new Headers({ etag: `"${etag}"` });
    const type = contentTypeFor(full);
    if (type) headers.set('content-type', type);
    if (!request.headers.has('authorization') && !request.headers.has('range')) {
      headers.set('cache-control', 'public, max-age=0, must-revalidate');
    }
    const ifNoneMatch = request.headers.get('if-none-match') ?? '';
    if (ifNoneMatch === `"${etag}"` || ifNoneMatch === `W/"${etag}"`) return new Response(null, { status: 304, headers });
    headers.set('content-length', String(size));
    const body = method === 'HEAD' ? null : Readable.toWeb(fs.createReadStream(full));
    return new Response(body, { status: intent.status, headers });
  }

  /**
   * The assets binding's fetch (`env.ASSETS.fetch(request)`): not_found_handling applies, and
   * redirects are followed when the request says `redirect: 'follow'` (a string URL does; a
   * request the Worker received says 'manual'), as a service binding's fetch does.
   */
  fetch(input, init) {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    let url = new URL(request.url);
    for (let hop = 0; ; hop += 1) {
      const intent = this.resolve(decodePath(url.pathname), this.options.notFoundHandling);
      if (!intent) return new Response(null, { status: 404 });
      const response = this.respond(request, url, intent);
      if (response.status !== 307 || request.redirect !== 'follow' || hop === 5) return response;
      url = new URL(response.headers.get('location'), url);
    }
  }

  /**
   * The router in front of the Worker: a Response when the assets answer, or null when the
   * Worker must be invoked.
   */
  route(request) {
    const url = new URL(request.url);
    const { runWorkerFirst, notFoundHandling, navigationPrefersAssets } = this.options;
    if (runWorkerFirst.all) return null;
    const rules = runWorkerFirst.rules;
    const decoded = decodePath(url.pathname);
    if (rules?.assets.some((re) => re.test(url.pathname))) {
      const intent = this.resolve(decoded, notFoundHandling);
      return intent ? this.respond(request, url, intent) : new Response(null, { status: 404 });
    }
    if (rules?.worker.some((re) => re.test(url.pathname))) return null;
    const navigation = navigationPrefersAssets && request.headers.get('sec-fetch-mode') === 'navigate';
    const intent = this.resolve(decoded, rules || navigation ? notFoundHandling : 'none');
    return intent ? this.respond(request, url, intent) : null;
  }
}
