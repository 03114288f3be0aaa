// Turns Node's HTTP server traffic into the WHATWG Request a Worker receives, and the Response
// it returns back into bytes on the socket, with the parts of Cloudflare's edge behaviour that
// a Worker can observe: `CF-Connecting-IP` set from the socket, `request.cf`, and
// `Content-Encoding` honoured on the way out.
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);
const ENCODERS = {
  gzip: () => zlib.createGzip(),
  deflate: () => zlib.createDeflate(),
  br: () => zlib.createBrotliCompress(),
};

/** The path and query of a request target, also for absolute-form (`GET http://x/y`). */
function requestPath(target) {
  if (target.startsWith('/')) return target;
  try {
    const u = new URL(target);
    return u.pathname + u.search;
  } catch {
    return '/';
  }
}

/** Build the Request the Worker sees from a Node IncomingMessage. */
export function toWorkerRequest(req, { trustClientIp, cf, listenHost, buffered }) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    } catch {
      // A header value undici refuses (control characters) never reaches a Worker on the edge.
    }
  }
  // On the edge the client cannot choose CF-Connecting-IP; tests may, when started trusting it.
  if (!(trustClientIp && headers.has('cf-connecting-ip'))) {
    headers.set('cf-connecting-ip', (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''));
  }
  // Test mode: a request may carry its own clock. The header never reaches the Worker; its value
  // does, as `request.cf.testNowMs`, where on Cloudflare no client can put anything.
  let testNowMs;
  if (trustClientIp && headers.has('x-test-now-ms')) {
    const value = Number(headers.get('x-test-now-ms'));
    if (headers.get('x-test-now-ms').trim() !== '' && Number.isFinite(value)) testNowMs = value;
    headers.delete('x-test-now-ms');
  }
  const host = headers.get('host') || listenHost;
  let url;
  try {
    url = new URL(`http://${host}${requestPath(req.url)}`);
  } catch {
    url = new URL(`http://${listenHost}${requestPath(req.url)}`);
  }
  const method = req.method.toUpperCase();
  const init = { method, headers, redirect: 'manual' };
  if (!NO_BODY_METHODS.has(method)) {
    init.body = buffered ?? Readable.toWeb(req);
    init.duplex = 'half';
  }
  const request = new Request(url, init);
  // The edge also derives request.cf.country (and the CF-IPCountry header) from the client's
  // address; in trust mode a test may say which country its visitor is in.
  const country = trustClientIp && headers.get('cf-ipcountry');
  const requestCf = { ...cf };
  if (country) requestCf.country = country;
  if (testNowMs !== undefined) requestCf.testNowMs = testNowMs;
  Object.defineProperty(request, 'cf', { value: requestCf, enumerable: true });
  return request;
}

/** Write a Worker's Response to a Node ServerResponse, streaming the body. */
export async function sendWorkerResponse(response, res, { isHead }) {
  const headers = {};
  const setCookies = response.headers.getSetCookie?.() ?? [];
  for (const [k, v] of response.headers) {
    if (k === 'set-cookie') continue;
    headers[k] = v;
  }
  if (setCookies.length) headers['set-cookie'] = setCookies;

  // Like workerd: a body the Worker returns uncompressed with Content-Encoding set is encoded on
  // the way out (Node's fetch, like workerd's, decodes what it receives).
  const encoding = (response.headers.get('content-encoding') ?? '').trim().toLowerCase();
  const encoder = response.body && !isHead && ENCODERS[encoding] ? ENCODERS[encoding]() : null;
  if (encoder) delete headers['content-length'];

  res.writeHead(response.status, response.statusText || undefined, headers);
  if (!response.body || isHead) {
    await response.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  const source = Readable.fromWeb(response.body);
  const stream = encoder ? source.pipe(encoder) : source;
  await new Promise((resolve) => {
    stream.on('error', (err) => {
      console.error(`[runtime] response body failed: ${err.message}`);
      res.destroy(err);
      resolve();
    });
    res.on('close', resolve);
    stream.pipe(res);
  });
}
