// Rate limits (`qos/ratelimit/router`) on the real listener and the real broker: the endpoint's
// bucket (503) and each client's (429) with Retry-After, refill against the clock, clients kept
// apart, the client's address never taken from a header it can forge, the JWT check before the
// limiter, nothing published for a refused request, `limited` counted apart; and the number of
// client buckets bounded under a flood of keys.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it the broker tests are skipped
// with one message, unless CI is set, in which case they fail.
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { dirname } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { exportJWK, SignJWT } from "jose";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRateLimit, MAX_CLIENTS } from "../templates/runtime/ratelimit.js";
import {
  AMQP_URL,
  brokerTests,
  type Generated,
  generateAndImport,
  probeBroker,
  rawRequest,
  sleep,
  TestBroker,
  takeAllIds,
  topologyOf,
  withListener,
} from "./helpers/broker.js";

const P = "amqpgen.ratelimit.";
const QUEUE = `${P}messages`;
const KEYS_FILE = ".tmp/ratelimit-keys.json";

function endpoint(path: string, extra: object): object {
  return {
    endpoint: `/${path}/{tenant}/{id}`,
    method: "POST",
    extra_config: extra,
    backend: [
      {
        host: ["amqp://127.0.0.1:5672"],
        disable_host_sanitize: true,
        extra_config: { "backend/amqp/producer": { name: QUEUE, exchange: `${P}x`, routing_key: "Id", msg_id_key: "Id" } },
      },
    ],
  };
}

const CONFIG = JSON.stringify({
  version: 3,
  endpoints: [
    // The endpoint's bucket: 10 a second, 5 at once.
    endpoint("endpoint", { "qos/ratelimit/router": { max_rate: 10, capacity: 5 } }),
    // Each client's bucket, by header: 2 at once, 1 a second; the endpoint's is large.
    endpoint("header", { "qos/ratelimit/router": { max_rate: 1000, client_max_rate: 1, client_capacity: 2, strategy: "header", key: "X-Client" } }),
    endpoint("param", { "qos/ratelimit/router": { max_rate: 1000, client_max_rate: 1, client_capacity: 1, strategy: "param", key: "tenant" } }),
    endpoint("ip", { "qos/ratelimit/router": { max_rate: 1000, client_max_rate: 1, client_capacity: 1, strategy: "ip" } }),
    endpoint("jwt", {
      "auth/validator": { alg: "RS256", jwk_local_path: KEYS_FILE },
      "qos/ratelimit/router": { max_rate: 1000, client_max_rate: 1, client_capacity: 1, strategy: "header", key: "X-Client" },
    }),
  ],
});

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; rate limit broker tests not run");

let generated: Generated | null = null;
let broker: TestBroker | null = null;
let setupError: Error | null = null;
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

if (!skipAll) {
  try {
    if (noBroker) throw new Error("CI is set but RabbitMQ is not reachable");
    mkdirSync(dirname(KEYS_FILE), { recursive: true });
    writeFileSync(KEYS_FILE, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg: "RS256" }] }));
    generated = await generateAndImport("ratelimit", CONFIG, "krakend.json");
    const model = await probeBroker();
    if (model instanceof Error) throw model;
    broker = await TestBroker.open(model);
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const it = brokerTests(skipAll, () => setupError);

test.after(async () => {
  if (broker && generated) {
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
    await broker.close();
  }
});

interface Service {
  post(path: string, headers?: Record<string, string>): Promise<{ status: number; retryAfter: string | undefined }>;
}

/** The generated listener on the real broker for `fn`; returns the routes' `limited` and `published` counts. */
async function withService(options: { trustedProxies?: string[] }, fn: (service: Service) => Promise<void>): Promise<{ limited: number; published: number }> {
  if (!generated) throw new Error("not generated");
  return withListener(generated, options, async (port, publisher) => {
    let next = 0;
    await fn({
      async post(path, headers = {}) {
        const response = await rawRequest(port, "POST", `/${path}/${next++}`, { "content-type": "application/json", ...headers }, Buffer.from("{}"));
        const retryAfter = response.headers["retry-after"];
        return { status: response.status, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
      },
    });
    const sum = (outcome: "limited" | "published") => publisher.stats().routes.reduce((n, r) => n + r.outcomes[outcome], 0);
    return { limited: sum("limited"), published: sum("published") };
  });
}

it("the endpoint's bucket: full at start, 503 with Retry-After when empty, refilled at its rate; nothing published for a 503", async () => {
  let sent200 = 0;
  const counts = await withService({}, async (service) => {
    // Sent at once: the bucket is checked as each request arrives, before its publish, so that a
    // slow confirm on a loaded machine (sequential requests took over 100 ms each) gives no token time to come back.
    const statuses = (await Promise.all(Array.from({ length: 7 }, () => service.post("endpoint/t")))).map((r) => r.status);
    assert.equal(statuses.sort(), [200, 200, 200, 200, 200, 503, 503], "a full bucket of 5, then empty");
    const refused = await service.post("endpoint/t");
    assert.is(refused.status, 503);
    assert.is(refused.retryAfter, "1", "a token is back within a second");
    // 10 tokens a second: after 450 ms, 4 are back (±1 for the time the requests themselves take).
    await sleep(450);
    let refilled = 0;
    while ((await service.post("endpoint/t")).status === 200) refilled++;
    assert.ok(refilled >= 3 && refilled <= 5, `${refilled} tokens back after 450 ms at 10/s (expected 4 ± 1)`);
    sent200 = 5 + refilled;
  });
  assert.is((await takeAllIds(AMQP_URL, QUEUE)).size, sent200, "one message per 200, none for a 503");
  assert.is(counts.published, sent200);
  assert.is(counts.limited, 4, "each 503 of the limiter counted as limited");
});

it("each client's bucket: clients by header kept apart, 429 with Retry-After; a request naming no client is 429", async () => {
  await withService({}, async (service) => {
    const a = async () => (await service.post("header/t", { "x-client": "a" })).status;
    assert.equal([await a(), await a(), await a()], [200, 200, 429], "client a: a bucket of 2");
    assert.is((await service.post("header/t", { "x-client": "b" })).status, 200, "client b has its own bucket");
    const refused = await service.post("header/t", { "x-client": "a" });
    assert.equal([refused.status, refused.retryAfter], [429, "1"]);
    assert.is((await service.post("header/t")).status, 429, "no X-Client: 429, as KrakenD");
    assert.is((await service.post("param/one")).status, 200);
    assert.is((await service.post("param/one")).status, 429, "by path param: tenant one's bucket is empty");
    assert.is((await service.post("param/two")).status, 200, "tenant two has its own");
  });
  await takeAllIds(AMQP_URL, QUEUE);
});

it("the client's address: the socket's peer; X-Forwarded-For only through trusted proxies, right to left", async () => {
  await withService({}, async (service) => {
    assert.is((await service.post("ip/t", { "x-forwarded-for": "10.0.0.1" })).status, 200);
    // KrakenD would take the left-most entry, which the client writes: a new bucket per request.
    assert.is((await service.post("ip/t", { "x-forwarded-for": "10.0.0.2" })).status, 429, "a forged X-Forwarded-For is not believed");
  });
  await withService({ trustedProxies: ["127.0.0.1", "192.168.0.0/16"] }, async (service) => {
    // The peer (127.0.0.1) and 192.168.1.1 are proxies: the client is 203.0.113.7.
    assert.is((await service.post("ip/t", { "x-forwarded-for": "1.1.1.1, 203.0.113.7, 192.168.1.1" })).status, 200);
    assert.is((await service.post("ip/t", { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 192.168.1.1" })).status, 429, "a forged left entry changes nothing");
    assert.is((await service.post("ip/t", { "x-forwarded-for": "203.0.113.8" })).status, 200, "another client behind the proxy");
  });
  await takeAllIds(AMQP_URL, QUEUE);
});

it("router.trusted_proxies is the listener's default: X-Forwarded-For believed from 127.0.0.1 with no option given", async () => {
  const config = JSON.parse(CONFIG) as Record<string, unknown>;
  config["extra_config"] = { router: { trusted_proxies: ["127.0.0.1"] } };
  const trusting = await generateAndImport("ratelimit-router", JSON.stringify(config), "krakend.json");
  await withListener(trusting, {}, async (port) => {
    const post = async (id: string, client: string) =>
      (await rawRequest(port, "POST", `/ip/t/${id}`, { "content-type": "application/json", "x-forwarded-for": client }, Buffer.from("{}"))).status;
    assert.equal([await post("r1", "198.51.100.1"), await post("r2", "198.51.100.1"), await post("r3", "198.51.100.2")], [200, 429, 200]);
  });
  await takeAllIds(AMQP_URL, QUEUE);
});

test("trustedProxies that are not addresses or ranges: the listener refuses them at start", () => {
  if (!generated) return;
  const mod = generated.mod;
  assert.throws(() => mod.createRequestListener({} as Parameters<typeof mod.createRequestListener>[0], { trustedProxies: ["10.0.0.0/33"] }));
  assert.throws(
    () => mod.createRequestListener({} as Parameters<typeof mod.createRequestListener>[0], { trustedProxies: ["proxy.local"] }),
    /not an IP address/,
  );
});

it("the JWT check runs first: anonymous requests spend no tokens", async () => {
  const token = await new SignJWT({ sub: "u" }).setProtectedHeader({ alg: "RS256", kid: "k" }).setExpirationTime("5m").sign(privateKey);
  await withService({}, async (service) => {
    for (let i = 0; i < 5; i++) assert.is((await service.post("jwt/t", { "x-client": "c" })).status, 401);
    assert.is((await service.post("jwt/t", { "x-client": "c", authorization: `Bearer ${token}` })).status, 200, "the client's one token is still there");
    assert.is((await service.post("jwt/t", { "x-client": "c", authorization: `Bearer ${token}` })).status, 429);
  });
  await takeAllIds(AMQP_URL, QUEUE);
});

/** The heap after a full collection, in bytes. */
function heapAfterGc(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

test("a client rotating through a million keys cannot grow the process past MAX_CLIENTS buckets", () => {
  const limit = createRateLimit({ endpoint: null, client: { perSecond: 1, capacity: 1, by: { kind: "header", header: "x-client" } } });
  const request = { headers: {} as Record<string, string>, socket: { remoteAddress: "127.0.0.1" } as Socket } as IncomingMessage;
  const flood = (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      request.headers["x-client"] = `client-${i}`;
      limit(request, [], null);
    }
  };
  flood(0, MAX_CLIENTS); // the bound reached
  const full = heapAfterGc();
  flood(MAX_CLIENTS, 900_000); // 900,000 more keys
  const after = heapAfterGc();
  const grownMb = (after - full) / 1e6;
  console.log(
    `\n  [key flood] heap with ${MAX_CLIENTS} buckets ${(full / 1e6).toFixed(1)} MB; after 900,000 more keys ${(after / 1e6).toFixed(1)} MB (${grownMb.toFixed(1)} MB)`,
  );
  assert.ok(grownMb < 5, `the heap grew ${grownMb.toFixed(1)} MB`);
  // The oldest keys were let go: the first client has a full bucket again.
  request.headers["x-client"] = "client-0";
  assert.is(limit(request, [], null), null);
});

test.run();
