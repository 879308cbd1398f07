/**
 * A JWT-protected route (`auth/validator`) against the same route without auth: one generated
 * listener (bench/servers/generated.ts, in its own process) serving both endpoints, with the same
 * producer settings, on the same broker; a JWKS server on loopback in this process. autocannon
 * loads each endpoint at concurrency 50, each connection with a token of its own that it reuses,
 * as real clients do, alternating which endpoint goes first. Prints median requests/s and p99 of
 * both, the ratio (target ≥ 0.8×), and how often the key set was fetched (once expected).
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

const OUT = "bench/.out/jwt-generated";
const OPEN = "bench.jwt.open";
const PROTECTED = "bench.jwt.protected";
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

export interface JwtFigures {
  open: { rps: number; p99: number };
  jwt: { rps: number; p99: number };
  ratio: number;
  keyFetches: number;
  failures: number;
  runs: number;
  seconds: number;
}

export async function benchJwt(): Promise<JwtFigures> {
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
  const config = { version: 3, timeout: "3s", endpoints: [endpoint("/open", OPEN, {}), endpoint("/jwt", PROTECTED, { "auth/validator": validator })] };
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
    for (const name of [OPEN, PROTECTED]) await channel.purgeQueue(name).catch(() => undefined);
  };
  const server = await startProcess("bench/servers/generated.ts", [OUT], /port (\d+)/);
  const port = Number(server.match[1]);
  const samples = { open: [] as Load[], jwt: [] as Load[] };
  let failures = 0;
  try {
    await load(port, "/open", null, 1); // warm-up: JIT, connections, the key set
    await load(port, "/jwt", tokens, 1);
    await purge();
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? (["open", "jwt"] as const) : (["jwt", "open"] as const);
      for (const kind of order) {
        const r = await load(port, `/${kind}`, kind === "jwt" ? tokens : null, DURATION);
        samples[kind].push(r);
        failures += r.failures;
        await purge(); // nobody consumes them: keep the queues empty for every run
      }
    }
  } finally {
    await stop(server.child);
    for (const name of [OPEN, PROTECTED]) {
      await channel.deleteQueue(name).catch(() => undefined);
      await channel.deleteExchange(name).catch(() => undefined);
    }
    await admin.close();
    jwks.close();
  }
  const figures = (loads: Load[]) => ({ rps: median(loads.map((l) => l.rps)), p99: median(loads.map((l) => l.p99)) });
  const open = figures(samples.open);
  const jwt = figures(samples.jwt);
  return { open, jwt, ratio: jwt.rps / open.rps, keyFetches, failures, runs: RUNS, seconds: DURATION };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchJwt();
  console.log(`HTTP → RabbitMQ with JWT validation against the same route without, c=${CONNECTIONS}, median of ${f.runs} × ${f.seconds} s`);
  console.log(`open: ${f.open.rps.toFixed(0).padStart(6)} req/s, p99 ${f.open.p99} ms`);
  console.log(`jwt:  ${f.jwt.rps.toFixed(0).padStart(6)} req/s, p99 ${f.jwt.p99} ms`);
  console.log(`ratio ${f.ratio.toFixed(2)}× req/s (target ≥ 0.8×); key set fetched ${f.keyFetches} time(s); non-2xx/errors ${f.failures}`);
}
