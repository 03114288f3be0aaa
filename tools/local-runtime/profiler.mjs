// `--profile` (benchmarks only): per request, the CPU time the handler used, how long it waited
// on D1 and on fetch(), how many D1 round trips it made, and the rows D1 read and wrote.
// Reported in X-Runtime-* response headers.
//
// CPU is the process's CPU time (process.cpuUsage) between the call and the response, minus
// the CPU Node spends inside the D1 and fetch calls themselves (the platform proxy's client
// serialising to workerd, which production does natively). Waiting costs no CPU, so event
// loop turns and I/O do not count, as on Cloudflare. Requests are assumed to run one at a time
// (the benchmarks send them sequentially), so one current record is enough.

let current = null;

export function beginRequest() {
  current = { start: performance.now(), cpuStart: process.cpuUsage(), ioMs: 0, ioCpuMs: 0, d1Calls: 0,
    fetchCalls: 0, rowsRead: 0, rowsWritten: 0 };
  return current;
}

export function endRequest(record) {
  current = null;
  const totalMs = performance.now() - record.start;
  const cpu = process.cpuUsage(record.cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000 - record.ioCpuMs;
  return {
    'x-runtime-handler-ms': totalMs.toFixed(3),
    'x-runtime-io-ms': record.ioMs.toFixed(3),
    'x-runtime-cpu-ms': Math.max(cpuMs, 0).toFixed(3),
    'x-runtime-d1-calls': String(record.d1Calls),
    'x-runtime-fetch-calls': String(record.fetchCalls),
    'x-runtime-rows-read': String(record.rowsRead),
    'x-runtime-rows-written': String(record.rowsWritten),
  };
}

async function timed(kind, call) {
  const record = current;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    const result = await call();
    if (record && kind === 'd1') {
      for (const r of Array.isArray(result) ? result : [result]) {
        record.rowsRead += r?.meta?.rows_read ?? 0;
        record.rowsWritten += r?.meta?.rows_written ?? 0;
      }
    }
    return result;
  } finally {
    if (record) {
      record.ioMs += performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      record.ioCpuMs += (cpu.user + cpu.system) / 1000;
      if (kind === 'd1') record.d1Calls += 1;
      else record.fetchCalls += 1;
    }
  }
}

/** A D1 binding whose round trips are timed and counted (statements unwrap for batch()). */
export function profiledD1(db) {
  // prepare() and bind() build the statement in the proxy's client: counted as D1's CPU too.
  const clientCpu = (fn) => {
    const c0 = process.cpuUsage();
    try {
      return fn();
    } finally {
      const c = process.cpuUsage(c0);
      if (current) current.ioCpuMs += (c.user + c.system) / 1000;
    }
  };
  const wrapStatement = (stmt) => ({
    inner: stmt,
    bind: (...args) => wrapStatement(clientCpu(() => stmt.bind(...args))),
    all: () => timed('d1', () => stmt.all()),
    run: () => timed('d1', () => stmt.run()),
    first: (...a) => timed('d1', () => stmt.first(...a)),
    raw: (...a) => timed('d1', () => stmt.raw(...a)),
  });
  return {
    prepare: (sql) => wrapStatement(clientCpu(() => db.prepare(sql))),
    batch: (statements) => timed('d1', () => db.batch([...statements].map((s) => s.inner ?? s))),
    exec: (sql) => timed('d1', () => db.exec(sql)),
  };
}

/** fetch() whose waiting time is counted as I/O. */
export function profiledFetch(fetchImpl) {
  return (input, init) => timed('fetch', () => fetchImpl(input, init));
}
