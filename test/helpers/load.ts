/**
 * A small closed-loop HTTP load generator for the fault tests: `concurrency` workers, each
 * sending one request at a time over a keep-alive connection until told to stop. Every
 * response is recorded by status (0 for a transport error) with the request's id.
 */
import { Agent, request } from "node:http";

export interface LoadRecord {
  id: string;
  status: number;
  ms: number;
  /** performance.now() when the answer came. */
  at: number;
}

export interface Load {
  /** Stops the workers and resolves once every request in flight has an answer. */
  stop(): Promise<LoadRecord[]>;
  /** Records so far. */
  readonly records: readonly LoadRecord[];
}

export interface LoadOptions {
  port: number;
  concurrency: number;
  /** Path for request number i (its id is `${prefix}-${i}`). */
  path: (id: string) => string;
  prefix: string;
  /** Stop after this many requests (default: until stop()). */
  limit?: number;
  /** Pause after a non-2xx answer, so a failing service is not hammered in a tight loop. */
  pauseAfterFailureMs?: number;
}

export function send(
  port: number,
  path: string,
  body: string,
  agent?: Agent,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent: agent ?? false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
        res.on("error", () => resolve({ status: 0, body: "", headers: {} }));
      },
    );
    req.on("error", () => resolve({ status: 0, body: "", headers: {} }));
    req.end(body);
  });
}

export function startLoad(options: LoadOptions): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const records: LoadRecord[] = [];
  let stopped = false;
  let next = 0;
  const worker = async () => {
    while (!stopped && (options.limit === undefined || next < options.limit)) {
      const id = `${options.prefix}-${next++}`;
      const t = performance.now();
      const res = await send(options.port, options.path(id), JSON.stringify({ id }), agent);
      records.push({ id, status: res.status, ms: performance.now() - t, at: performance.now() });
      if ((res.status < 200 || res.status > 299) && options.pauseAfterFailureMs) {
        await new Promise((r) => setTimeout(r, options.pauseAfterFailureMs));
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  return {
    records,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
      return records;
    },
  };
}

export function countByStatus(records: readonly LoadRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) out[String(r.status)] = (out[String(r.status)] ?? 0) + 1;
  return out;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
