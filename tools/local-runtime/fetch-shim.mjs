// Node's fetch (undici) differs from workerd's in one way the Worker can hit: a streamed request
// body needs `duplex: 'half'`, which workerd neither needs nor rejects. Add it when a body is a
// stream, so the Worker's proxy code stays the same in both runtimes.
export function installFetchShim() {
  const nodeFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    if (init && init.body instanceof ReadableStream && !init.duplex) {
      init = { ...init, duplex: 'half' };
    }
    return nodeFetch(input, init);
  };
}
