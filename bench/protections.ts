/**
 * The protections against the bare route: a JWT-protected route (`auth/validator`) and a route
 * with a rate limit set high enough never to trigger (`qos/ratelimit/router`, endpoint and client
 * buckets), each against the same route without them: one generated listener
 * (bench/servers/generated.ts, in its own process) serving the three, with the same producer
 * settings, on the same broker; a JWKS server on loopback in this process. autocannon loads each
 * endpoint at concurrency 50, each connection with a token of its own that it reuses, as real
 * clients do, taking turns at going first. Prints median requests/s and p99 of each, the ratios
 * (targets ≥ 0.8× with JWT, ≥ 0.95× with the rate limit), and how often the key set was fetched.
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

function load(port: number, path: string, tokens: readonly string[] | null, seconds: number): Promise<Load> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${path}`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BODY,
        connections: CONNECTIONS,
        duration: seconds,
        // Each connection is a client with its own token, which it sends with every request.
        setupClient: (client) => {
          if (tokens) client.setHeaders({ "content-type": "application/json", authorization: `Bearer ${tokens[next++ % tokens.length]}` });
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
  /** JWT against open, and rate limit against open, in requests per second. */
  ratio: number;
  limitedRatio: number;
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
  const samples = { open: [] as Load[], jwt: [] as Load[], limited: [] as Load[] };
  let failures = 0;
  try {
    await load(port, "/open", null, 1); // warm-up: JIT, connections, the key set
    await load(port, "/jwt", tokens, 1);
    await load(port, "/limited", null, 1);
    await purge();
    const kinds = ["open", "jwt", "limited"] as const;
    for (let i = 0; i < RUNS; i++) {
      const order = [...kinds.slice(i % 3), ...kinds.slice(0, i % 3)];
      for (const kind of order) {
        const r = await load(port, `/${kind}`, kind === "jwt" ? tokens : null, DURATION);
        samples[kind].push(r);
        failures += r.failures;
        await purge(); // nobody consumes them: keep the queues empty for every run
      }
    }
  } finally {
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
  return { open, jwt, limited, ratio: jwt.rps / open.rps, limitedRatio: limited.rps / open.rps, keyFetches, failures, runs: RUNS, seconds: DURATION };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchProtections();
  console.log(`HTTP → RabbitMQ with each protection against the same route without, c=${CONNECTIONS}, median of ${f.runs} × ${f.seconds} s`);
  console.log(`open:    ${f.open.rps.toFixed(0).padStart(6)} req/s, p99 ${f.open.p99} ms`);
  console.log(
    `jwt:     ${f.jwt.rps.toFixed(0).padStart(6)} req/s, p99 ${f.jwt.p99} ms: ${f.ratio.toFixed(2)}× (target ≥ 0.8×), key set fetched ${f.keyFetches} time(s)`,
  );
  console.log(`limited: ${f.limited.rps.toFixed(0).padStart(6)} req/s, p99 ${f.limited.p99} ms: ${f.limitedRatio.toFixed(2)}× (target ≥ 0.95×)`);
  console.log(`non-2xx/errors ${f.failures}`);
}
