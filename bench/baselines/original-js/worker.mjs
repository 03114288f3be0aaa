// Baseline for `make bench`: the original design's collection endpoints in plain JavaScript,
// written the straightforward way, including its SELECT-then-INSERT for /event. Only for
// measuring footfall against; not part of the product.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DELTAS = new Set([1, 5, 30]);
const TYPES = new Set(['outbound', 'download', 'mailto', 'tel', 'scroll', 'custom']);

const json = (status, error) => new Response(JSON.stringify({ error }), {
  status, headers: { 'content-type': 'application/json' },
});

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== 'POST') return json(405, 'method');
    let body;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return json(400, 'json');
    }
    if (!body || typeof body !== 'object' || !UUID.test(body.uuid ?? '')) return json(400, 'uuid');
    const site = url.hostname;
    const now = Date.now();
    const day = new Date(now).toISOString().slice(0, 10);
    if (url.pathname === '/_ff/init') {
      if (typeof body.page !== 'string' || !body.page.startsWith('/')) return json(400, 'page');
      await env.DB.prepare('INSERT INTO pageviews (uuid, site, ts, day, path, referrer, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?) '
        + 'ON CONFLICT (uuid) DO NOTHING')
        .bind(body.uuid.toLowerCase(), site, now, day, body.page.slice(0, 2048), body.referrer || null, now).run();
      return new Response(null, { status: 204 });
    }
    if (url.pathname === '/_ff/heartbeat') {
      if (!DELTAS.has(body.delta)) return json(400, 'delta');
      const r = await env.DB.prepare('UPDATE pageviews SET seconds = seconds + ?, last_ts = ? WHERE uuid = ? AND site = ?')
        .bind(body.delta, now, body.uuid.toLowerCase(), site).run();
      return r.meta.changes ? new Response(null, { status: 204 }) : json(401, 'unknown');
    }
    if (url.pathname === '/_ff/event') {
      if (!TYPES.has(body.type)) return json(400, 'type');
      const found = await env.DB.prepare('SELECT uuid FROM pageviews WHERE uuid = ? AND site = ?')
        .bind(body.uuid.toLowerCase(), site).first();
      if (!found) return json(401, 'unknown');
      await env.DB.prepare('INSERT INTO events (uuid, seq, site, ts, day, type, name, path, url, anchor_text) '
        + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .bind(found.uuid, Math.floor(Math.random() * 2 ** 52), site, now, day, body.type, body.name ?? null,
          body.page ?? '/', body.url ?? null, (body.anchor_text ?? '').slice(0, 1024) || null).run();
      return new Response(null, { status: 204 });
    }
    return json(404, 'not found');
  },
};
