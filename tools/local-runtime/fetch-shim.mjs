// The Worker's fetch in the local runtime, made to behave as workerd's does where the Worker can
// tell the difference.
//
// - A streamed request body needs `duplex: 'half'` in Node's fetch (undici), which workerd
//   neither needs nor rejects: it is added, so the proxy code stays the same in both runtimes.
// - On Cloudflare a request reaches a Worker only for a host on one of its routes, and a fetch
//   to where the request was addressed (footfall with an empty ORIGIN_URL) goes to the origin
//   behind that route. The local runtime has no such origin, and the Host of a request is
//   whatever the client wrote. So a subrequest to the scheme, host and port of a request still
//   being served is refused, as a network error: the local runtime never follows a
//   client-chosen Host (it would be an open proxy, or, with a Host naming the runtime itself, a
//   loop of nested requests). ORIGIN_URL's own origin is always allowed.

/** The origins (scheme://host:port) of the requests being served right now, with counts. */
export class ServedOrigins {
  constructor() {
    this.counts = new Map();
  }

  /** Run `work` while `url`'s origin counts as being served. */
  async during(url, work) {
    const origin = originOf(url);
    this.counts.set(origin, (this.counts.get(origin) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = this.counts.get(origin) - 1;
      if (left) this.counts.set(origin, left);
      else this.counts.delete(origin);
    }
  }

  has(url) {
    return this.counts.has(originOf(url));
  }
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function installFetchShim({ served = null, originUrl = '' } = {}) {
  const nodeFetch = globalThis.fetch;
  const configured = originUrl ? originOf(originUrl) : null;
  globalThis.fetch = (input, init) => {
    const target = typeof input === 'string' || input instanceof URL ? String(input) : input?.url;
    const origin = originOf(target);
    if (served && origin && origin !== configured && served.has(target)) {
      return Promise.reject(new TypeError(
        `fetch to ${origin} refused: that is where the request being served was addressed, and the local `
        + 'runtime has no origin behind a route (set ORIGIN_URL to the site to proxy)',
      ));
    }
    if (init && init.body instanceof ReadableStream && !init.duplex) {
      init = { ...init, duplex: 'half' };
    }
    return nodeFetch(input, init);
  };
}
