/**
 * Synthetic but realistic krakend.json files for benchmarks: mixed methods, 0–3 params,
 * static and param routing keys, a few exchanges shared by many routes, some message
 * properties from params, some unrelated HTTP endpoints.
 */
const METHODS = ["POST", "PUT", "PATCH", "DELETE", "GET"] as const;
const NOUNS = ["orders", "users", "invoices", "events", "payments", "shipments", "carts", "reviews", "tickets", "accounts"];

/** A deterministic PRNG so every run benchmarks the same config. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  /**
   * Every `every`-th route also takes a `{prio}` param as its `priority_key`, and publishes to a
   * queue of its noun's for such routes, declared with "x-max-priority" when `priorityQueues`
   * is true and without it (warning AG230 on each of those routes) when false.
   */
  priorities?: { every: number; priorityQueues: boolean };
}

export function syntheticConfig(routes: number, seed = 42, options: SyntheticOptions = {}): object {
  const { priorities } = options;
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const endpoints: object[] = [];
  for (let i = 0; i < routes; i++) {
    const noun = pick(NOUNS);
    const params = Math.floor(random() * 4);
    const prioritised = priorities !== undefined && i % priorities.every === 0;
    // Three params at most, so "prio" is never among them unless added here.
    const names = [...["tenant", "id", "route", "prio"].slice(0, params), ...(prioritised ? ["prio"] : [])];
    const path = `/${noun}/v${i}` + names.map((n) => `/{${n}}`).join("");
    const staticKey = params < 3 || random() < 0.3;
    const block: Record<string, unknown> = {
      name: prioritised ? `bench.${noun}.prio` : `bench.${noun}.q${i % 50}`,
      exchange: `bench.${noun}`,
      durable: true,
      delete: false,
      routing_key: staticKey ? `${noun}.v${i}` : "Route",
      ...(staticKey ? { static_routing_key: true } : {}),
      backoff_strategy: "exponential-jitter",
    };
    if (names.includes("id")) block["msg_id_key"] = "Id";
    if (names.includes("prio")) block["priority_key"] = "Prio";
    if (prioritised && priorities.priorityQueues) block["@amqp-gen"] = { queue_arguments: { "x-max-priority": 10 } };
    endpoints.push({
      endpoint: path,
      method: pick(METHODS),
      ...(random() < 0.2 ? { input_headers: ["Content-Type", "X-Request-Id"] } : {}),
      backend: [{ host: ["amqp://guest:guest@127.0.0.1:5672"], disable_host_sanitize: true, extra_config: { "backend/amqp/producer": block } }],
    });
    if (i % 10 === 0) {
      endpoints.push({ endpoint: `/http/${noun}/${i}`, backend: [{ host: ["http://upstream"], url_pattern: `/${noun}` }] });
    }
  }
  return { version: 3, timeout: "3s", endpoints };
}
