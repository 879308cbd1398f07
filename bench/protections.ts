/**
 * The protections against the bare route: a JWT-protected route (`auth/validator`), a route with
 * a rate limit set high enough never to trigger (`qos/ratelimit/router`, endpoint and client
 * buckets), and the same bare route behind the service-wide CORS and bot detector, each against
 * the same route without them. One generated listener (bench/servers/generated.ts, in its own
 * process) serves the first three; a second one, generated with `security/cors` and
 * `security/bot-detector`, serves the guarded route, loaded with an allowed Origin and a browser's
 * User-Agent (so that both run in full). Same producer settings, same broker; a JWKS server on
 * loopback in this process. autocannon loads each at concurrency 50, each connection with a token
 * of its own that it reuses, as real clients do, taking turns at going first. Prints median
 * requests/s and p99 of each, the ratios (targets ≥ 0.8× with JWT, ≥ 0.95× with the rate limit
 * and with CORS and the bot detector), and how often the key set was fetched.
 *
 *   BENCH_JWT_SECONDS=2  BENCH_JWT_RUNS=5
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "amqplib";
import autocannon from "autocannon";
import { exportJWK, SignJWT } from "jose";
import { median, startProcess, stop, writeGenerated } from "./support.js";

const OUT = "bench/.out/protections-generated";
const OUT_GUARDED = "bench/.out/protections-guarded";
/** What the guarded service adds around every request. */
const GUARDS = {
  "security/cors": { allow_origins: ["https://app.example.com"], allow_headers: ["Content-Type"], expose_headers: ["X-Krakend-Completed"] },
  "security/bot-detector": { deny: ["BadBot/1.0"], patterns: ["(?i)(bot|crawler|spider)", "^curl/", "^python-requests/"], cache_size: 1000 },
};
const BROWSER = {
  origin: "https://app.example.com",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
};
const OPEN = "bench.protections.open";
const PROTECTED = "bench.protections.jwt";
const LIMITED = "bench.protections.limited";
/** Far above what the machine can serve: the buckets are checked on every request, never empty. */
const NEVER_LIMITED = { max_rate: 1_000_000, client_max_rate: 1_000_000, strategy: "ip" };
const DURATION = Number(process.env["BENCH_JWT_SECONDS"] ?? 2);
const RUNS = Number(process.env["BENCH_JWT_RUNS"] ?? 5);
const CONNECTIONS = 50;
const BODY = JSON.stringify({ sku: "A-1", quantity: 2 });

const endpoint = (path: string, name: string, extra: object) => ({
  endpoint: path,
  method: "POST",
  extra_config: extra,
  backend: [
    {
      host: ["amqp://guest:guest@127.0.0.1:5672"],
      disable_host_sanitize: true,
      extra_config: { "backend/amqp/producer": { name, exchange: name, durable: false, routing_key: "bench", static_routing_key: true } },
    },
  ],
});

interface Load {
  rps: number;
  p99: number;
  failures: number;
}

function load(port: number, path: string, tokens: readonly string[] | null, seconds: number, extraHeaders: Record<string, string> = {}): Promise<Load> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${path}`,
        method: "POST",
        headers: { "content-type": "application/json", ...extraHeaders },
        body: BODY,
        connections: CONNECTIONS,
        duration: seconds,
        // Each connection is a client with its own token, which it sends with every request.
        setupClient: (client) => {
          if (tokens) client.setHeaders({ "content-type": "application/json", ...extraHeaders, authorization: `Bearer ${tokens[next++ % tokens.length]}` });
        },
      },
      (err: unknown, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve({ rps: result.requests.average, p99: result.latency.p99, failures: result.non2xx + result.errors });
      },
    );
  });
}

export interface ProtectionFigures {
  open: { rps: number; p99: number };
  jwt: { rps: number; p99: number };
  limited: { rps: number; p99: number };
  guarded: { rps: number; p99: number };
  /** JWT, the rate limit, and CORS with the bot detector, each against open, in requests per second. */
  ratio: number;
  limitedRatio: number;
  guardedRatio: number;
  keyFetches: number;
  failures: number;
  runs: number;
  seconds: number;
}

export async function benchProtections(): Promise<ProtectionFigures> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256", use: "sig" };
  let keyFetches = 0;
  const jwks = createServer((_request, response) => {
    keyFetches++;
    response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const jwkUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  const validator = { alg: "RS256", jwk_url: jwkUrl, disable_jwk_security: true, audience: ["orders"], roles: ["writer"] };
  const config = {
    version: 3,
    timeout: "3s",
    endpoints: [
      endpoint("/open", OPEN, {}),
      endpoint("/jwt", PROTECTED, { "auth/validator": validator }),
      endpoint("/limited", LIMITED, { "qos/ratelimit/router": NEVER_LIMITED }),
    ],
  };
  await writeGenerated(config, OUT, [], { javascript: true });
  await writeGenerated({ version: 3, timeout: "3s", extra_config: GUARDS, endpoints: [endpoint("/open", OPEN, {})] }, OUT_GUARDED, [], { javascript: true });
  const now = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(
    Array.from({ length: CONNECTIONS }, (_, i) =>
      new SignJWT({ sub: `client-${i}`, aud: "orders", roles: ["writer"], exp: now + 3600, iat: now })
        .setProtectedHeader({ alg: "RS256", kid: "bench" })
        .sign(privateKey),
    ),
  );

  const admin = await connect("amqp://guest:guest@127.0.0.1:5672");
  const channel = await admin.createChannel();
  channel.on("error", () => undefined);
  const purge = async () => {
    for (const name of [OPEN, PROTECTED, LIMITED]) await channel.purgeQueue(name).catch(() => undefined);
  };
  const server = await startProcess("bench/servers/generated.ts", [OUT], /port (\d+)/);
  const port = Number(server.match[1]);
  const guardedServer = await startProcess("bench/servers/generated.ts", [OUT_GUARDED], /port (\d+)/);
  const guardedPort = Number(guardedServer.match[1]);
  const samples = { open: [] as Load[], jwt: [] as Load[], limited: [] as Load[], guarded: [] as Load[] };
  let failures = 0;
  try {
    await load(port, "/open", null, 1); // warm-up: JIT, connections, the key set
    await load(port, "/jwt", tokens, 1);
    await load(port, "/limited", null, 1);
    await load(guardedPort, "/open", null, 1, BROWSER);
    await purge();
    const kinds = ["open", "jwt", "limited", "guarded"] as const;
    for (let i = 0; i < RUNS; i++) {
      const order = [...kinds.slice(i % kinds.length), ...kinds.slice(0, i % kinds.length)];
      for (const kind of order) {
        const r =
          kind === "guarded"
            ? await load(guardedPort, "/open", null, DURATION, BROWSER)
            : await load(port, `/${kind}`, kind === "jwt" ? tokens : null, DURATION);
        samples[kind].push(r);
        failures += r.failures;
        await purge(); // nobody consumes them: keep the queues empty for every run
      }
    }
  } finally {
    await stop(guardedServer.child);
    await stop(server.child);
    for (const name of [OPEN, PROTECTED, LIMITED]) {
      await channel.deleteQueue(name).catch(() => undefined);
      await channel.deleteExchange(name).catch(() => undefined);
    }
    await admin.close();
    jwks.close();
  }
  const figures = (loads: Load[]) => ({ rps: median(loads.map((l) => l.rps)), p99: median(loads.map((l) => l.p99)) });
  const open = figures(samples.open);
  const jwt = figures(samples.jwt);
  const limited = figures(samples.limited);
  const guarded = figures(samples.guarded);
  return {
    open,
    jwt,
    limited,
    guarded,
    ratio: jwt.rps / open.rps,
    limitedRatio: limited.rps / open.rps,
    guardedRatio: guarded.rps / open.rps,
    keyFetches,
    failures,
    runs: RUNS,
    seconds: DURATION,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchProtections();
  console.log(`HTTP → RabbitMQ with each protection against the same route without, c=${CONNECTIONS}, median of ${f.runs} × ${f.seconds} s`);
  console.log(`open:    ${f.open.rps.toFixed(0).padStart(6)} req/s, p99 ${f.open.p99} ms`);
  console.log(
    `jwt:     ${f.jwt.rps.toFixed(0).padStart(6)} req/s, p99 ${f.jwt.p99} ms: ${f.ratio.toFixed(2)}× (target ≥ 0.8×), key set fetched ${f.keyFetches} time(s)`,
  );
  console.log(`limited: ${f.limited.rps.toFixed(0).padStart(6)} req/s, p99 ${f.limited.p99} ms: ${f.limitedRatio.toFixed(2)}× (target ≥ 0.95×)`);
  console.log(
    `guarded: ${f.guarded.rps.toFixed(0).padStart(6)} req/s, p99 ${f.guarded.p99} ms: ${f.guardedRatio.toFixed(2)}× (CORS and bot detector, own process; target ≥ 0.95×)`,
  );
  console.log(`non-2xx/errors ${f.failures}`);
}
