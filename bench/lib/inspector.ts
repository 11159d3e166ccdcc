import WebSocket from 'ws';

/** `node --inspect=127.0.0.1:0` prints this line on stderr. */
export const INSPECT_ARG = '--inspect=127.0.0.1:0';

export function inspectorUrl(output: readonly string[]): string | undefined {
  for (const line of output) {
    const m = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Forces a full GC in the service through the inspector protocol and returns the live
 * heap (Runtime.getHeapUsage). Scrapes alone see whatever garbage is around at the time.
 */
export async function heapAfterGc(url: string): Promise<number> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 60_000);
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: unknown;
        };
        if (msg.id !== id) return;
        ws.off('message', onMessage);
        clearTimeout(timer);
        if (msg.error) reject(new Error(`inspector: ${method}: ${JSON.stringify(msg.error)}`));
        else resolve(msg.result ?? {});
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage'); // a second pass frees what finalizers released
    const usage = await call('Runtime.getHeapUsage');
    return Number(usage.usedSize);
  } finally {
    ws.close();
  }
}
