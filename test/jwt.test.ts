// JWT validation (`auth/validator`) end to end: a real JWKS server on loopback (RSA keys made
// with node:crypto, rotated during the test), tokens signed with jose, the generated service on
// the real broker. Each case has its status and whether its message reached the queue (never for
// a 401 or a 403); the propagated claims are in the message and replace a client's forged header;
// keys are fetched once, again for an unknown kid at most once per cooldown, and never on every
// request while the key server is down.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it the tests are skipped with one
// message, unless CI is set, in which case they fail.
import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import express, { type Router } from "express";
import Fastify, { type FastifyPluginAsync } from "fastify";
import { Hono } from "hono";
import { exportJWK, type JWK, type JWTPayload, SignJWT } from "jose";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  AMQP_URL,
  brokerTests,
  collectingLogger,
  type Generated,
  type GenPublisher,
  generateAndImport,
  probeBroker,
  rawRequest,
  sleep,
  takeAllIds,
  TestBroker,
  topologyOf,
  withListener,
} from "./helpers/broker.js";

const P = "amqpgen.jwt.";
const QUEUE = `${P}messages`;
const ISSUER = "https://issuer.example/";
/** A JWKS file, as `jwk_local_path` names it: relative to the service's working directory (the repo's root here). */
const LOCAL_KEYS = ".tmp/jwt-local-keys.json";

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/** A JWKS endpoint on loopback: the keys it serves can change, it counts fetches, and it can fail. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  failing = false;
  private constructor(private readonly server: Server) {}
  static async start(): Promise<JwksServer> {
    let self: JwksServer | null = null;
    const server = createServer((_request, response) => {
      if (!self) return;
      self.fetches++;
      if (self.failing) {
        response.writeHead(503).end();
        return;
      }
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: self.keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    self = new JwksServer(server);
    return self;
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function producer(): object {
  return {
    host: ["amqp://127.0.0.1:5672"],
    disable_host_sanitize: true,
    extra_config: { "backend/amqp/producer": { name: QUEUE, exchange: `${P}x`, routing_key: "Id", msg_id_key: "Id" } },
  };
}

/** One endpoint `/<name>/{id}` with this validator (the key set, plain HTTP allowed, a 1 s cooldown, added). */
function endpoint(name: string, jwks: string, validator: object, inputHeaders: string[] = ["Content-Type"]): object {
  return {
    endpoint: `/${name}/{id}`,
    method: "POST",
    input_headers: inputHeaders,
    extra_config: {
      "auth/validator": { alg: "RS256", jwk_url: jwks, disable_jwk_security: true, failed_jwk_key_cooldown: "1s", ...validator },
    },
    backend: [producer()],
  };
}

function config(jwks: string, downJwks: string): string {
  return JSON.stringify({
    version: 3,
    endpoints: [
      endpoint(
        "orders",
        jwks,
        {
          audience: ["orders", "billing"],
          issuer: ISSUER,
          roles: ["writer"],
          leeway: "2s",
          propagate_claims: [
            ["sub", "X-User"],
            ["org.tenant", "X-Tenant"],
            ["groups", "X-Groups"],
          ],
        },
        ["Content-Type", "X-User", "X-Tenant", "X-Groups"],
      ),
      endpoint("nested", jwks, { roles_key: "realm_access.roles", roles_key_is_nested: true, roles: ["admin"] }),
      endpoint("any", jwks, { scopes_key: "scope", scopes: ["read", "write"] }),
      endpoint("all", jwks, { scopes_key: "scope", scopes: ["read", "write"], scopes_matcher: "all" }),
      endpoint("cookie", jwks, { cookie_key: "session" }),
      endpoint("plain", jwks, {}),
      endpoint("down", downJwks, {}),
      endpoint("local", jwks, { jwk_url: undefined, jwk_local_path: LOCAL_KEYS }),
    ],
  });
}

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; JWT tests not run");

let generated: Generated | null = null;
let broker: TestBroker | null = null;
let jwks: JwksServer | null = null;
let downJwks: JwksServer | null = null;
let key: SigningKey | null = null;
/** The key the JWKS server serves after the rotation (the local key file holds both). */
let rotatedKey: SigningKey | null = null;
let setupError: Error | null = null;

if (!skipAll) {
  try {
    if (noBroker) throw new Error("CI is set but RabbitMQ is not reachable");
    jwks = await JwksServer.start();
    downJwks = await JwksServer.start();
    downJwks.failing = true;
    key = await signingKey("key-1");
    rotatedKey = await signingKey("key-2");
    jwks.keys = [key.jwk];
    mkdirSync(dirname(LOCAL_KEYS), { recursive: true });
    writeFileSync(LOCAL_KEYS, JSON.stringify({ keys: [key.jwk, rotatedKey.jwk] }));
    generated = await generateAndImport("jwt", config(jwks.url, downJwks.url), "krakend.json", ["express", "fastify", "hono"]);
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
  await jwks?.close();
  await downJwks?.close();
});

const now = () => Math.floor(Date.now() / 1000);

/** A token for the orders endpoint unless `claims` say otherwise, signed with `with` (default: the served key). */
async function token(claims: JWTPayload = {}, options: { with?: SigningKey; kid?: string } = {}): Promise<string> {
  const signer = options.with ?? (key as SigningKey);
  return new SignJWT({ sub: "user-1", aud: ["orders", "billing", "other"], iss: ISSUER, roles: ["reader", "writer"], exp: now() + 300, iat: now(), ...claims })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? signer.kid })
    .sign(signer.privateKey);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Runs the service on the real broker for `fn`. */
async function withService(fn: (port: number) => Promise<void>): Promise<{ unauthorized: number; forbidden: number; published: number }> {
  if (!generated) throw new Error("not generated");
  return withListener(generated, {}, async (port, publisher) => {
    await fn(port);
    const routes = publisher.stats().routes;
    const sum = (outcome: "unauthorized" | "forbidden" | "published") => routes.reduce((n, r) => n + r.outcomes[outcome], 0);
    return { unauthorized: sum("unauthorized"), forbidden: sum("forbidden"), published: sum("published") };
  });
}

interface Case {
  readonly name: string;
  readonly path: string;
  readonly headers: () => Promise<Record<string, string>>;
  readonly status: 200 | 401 | 403;
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

const CASES: readonly Case[] = [
  { name: "no token", path: "orders", headers: async () => ({}), status: 401 },
  { name: "Bearer with no token", path: "orders", headers: async () => ({ authorization: "Bearer " }), status: 401 },
  { name: "a valid token", path: "orders", headers: async () => bearer(await token()), status: 200 },
  { name: "a valid token without the Bearer prefix", path: "orders", headers: async () => ({ authorization: await token() }), status: 200 },
  { name: "a bad signature", path: "orders", headers: async () => bearer(await token({}, { with: await signingKey("key-1") })), status: 401 },
  {
    name: 'alg "none"',
    path: "orders",
    headers: async () => bearer(`${b64({ alg: "none", kid: "key-1" })}.${b64({ sub: "user-1", aud: ["orders", "billing"], iss: ISSUER, roles: ["writer"] })}.`),
    status: 401,
  },
  {
    name: "HS256 signed with the RSA public key",
    path: "orders",
    headers: async () => {
      const secret = (key as SigningKey).publicKey.export({ type: "spki", format: "pem" });
      const t = await new SignJWT({ sub: "user-1", aud: ["orders", "billing"], iss: ISSUER, roles: ["writer"], exp: now() + 300 })
        .setProtectedHeader({ alg: "HS256", kid: "key-1" })
        .sign(new Uint8Array(Buffer.from(secret)));
      return bearer(t);
    },
    status: 401,
  },
  { name: "expired", path: "orders", headers: async () => bearer(await token({ exp: now() - 60 })), status: 401 },
  { name: "expired within the leeway (2s)", path: "orders", headers: async () => bearer(await token({ exp: now() - 1 })), status: 200 },
  { name: "not yet valid", path: "orders", headers: async () => bearer(await token({ nbf: now() + 60 })), status: 401 },
  { name: "issued in the future", path: "orders", headers: async () => bearer(await token({ iat: now() + 120 })), status: 401 },
  { name: "one audience of two", path: "orders", headers: async () => bearer(await token({ aud: ["orders"] })), status: 401 },
  { name: "an aud that is a number", path: "orders", headers: async () => bearer(await token({ aud: 5 as unknown as string })), status: 401 },
  { name: "another issuer", path: "orders", headers: async () => bearer(await token({ iss: "https://elsewhere.example/" })), status: 401 },
  { name: "without the role", path: "orders", headers: async () => bearer(await token({ roles: ["reader"] })), status: 403 },
  { name: "roles as a space-separated string", path: "orders", headers: async () => bearer(await token({ roles: "reader writer" })), status: 200 },
  { name: "nested role", path: "nested", headers: async () => bearer(await token({ realm_access: { roles: ["admin"] } })), status: 200 },
  { name: "nested role missing", path: "nested", headers: async () => bearer(await token({ realm_access: { roles: ["user"] }, admin: true })), status: 403 },
  { name: "scopes any: one of two", path: "any", headers: async () => bearer(await token({ scope: "read" })), status: 200 },
  { name: "scopes any: none", path: "any", headers: async () => bearer(await token({ scope: "delete" })), status: 403 },
  { name: "scopes all: both", path: "all", headers: async () => bearer(await token({ scope: "write read" })), status: 200 },
  { name: "scopes all: one of two", path: "all", headers: async () => bearer(await token({ scope: "read" })), status: 403 },
  { name: "a key from a local JWKS file", path: "local", headers: async () => bearer(await token()), status: 200 },
  { name: "a key the local file does not hold", path: "local", headers: async () => bearer(await token({}, { with: await signingKey("key-9") })), status: 401 },
  { name: "the configured cookie", path: "cookie", headers: async () => ({ cookie: `theme=dark; session=${await token()}` }), status: 200 },
  {
    name: "KrakenD's access_token cookie, not configured here",
    path: "plain",
    headers: async () => ({ cookie: `access_token=${await token()}` }),
    status: 401,
  },
  {
    name: "a malformed header does not fall back to the cookie",
    path: "cookie",
    headers: async () => ({ authorization: "Bearer not-a-token", cookie: `session=${await token()}` }),
    status: 401,
  },
];

it("a table of tokens: each gets KrakenD's status, a 401 says Bearer, and only the 200s reach the queue", async () => {
  const sent = new Map<string, Case>();
  const counts = await withService(async (port) => {
    for (const c of CASES) {
      const id = randomUUID();
      sent.set(id, c);
      const response = await rawRequest(port, "POST", `/${c.path}/${id}`, { "content-type": "application/json", ...(await c.headers()) }, Buffer.from("{}"));
      assert.is(response.status, c.status, c.name);
      if (c.status === 401) assert.match(String(response.headers["www-authenticate"]), /^Bearer\b/, `${c.name}: WWW-Authenticate`);
      if (c.status !== 200) assert.not.match(response.body, /eyJ/, `${c.name}: the answer never echoes a token`);
    }
  });
  const published = await takeAllIds(AMQP_URL, QUEUE);
  const expected = [...sent].filter(([, c]) => c.status === 200).map(([id]) => id);
  assert.equal([...published].sort(), expected.sort(), "exactly the accepted requests were published");
  assert.equal(
    counts,
    {
      unauthorized: CASES.filter((c) => c.status === 401).length,
      forbidden: CASES.filter((c) => c.status === 403).length,
      published: expected.length,
    },
    "stats() counts each outcome apart",
  );
});

it("propagated claims are message headers, rendered as KrakenD renders them, replacing a client's forged ones", async () => {
  const id = randomUUID();
  await withService(async (port) => {
    const t = await token({ sub: "user-42", org: { tenant: "acme" }, groups: ["a", "b"] });
    const response = await rawRequest(
      port,
      "POST",
      `/orders/${id}`,
      { "content-type": "application/json", authorization: `Bearer ${t}`, "x-user": "admin", "X-Tenant": "forged" },
      Buffer.from("{}"),
    );
    assert.is(response.status, 200);
  });
  const message = await (broker as TestBroker).takeOnly(QUEUE);
  assert.is(message.properties.messageId, id);
  const headers = message.properties.headers ?? {};
  assert.equal(headers["X-User"], ["user-42"], "the claim, not the client's header");
  assert.equal(headers["X-Tenant"], ["acme"], "a nested claim");
  assert.equal(headers["X-Groups"], ["a,b"], "an array, joined with commas");
});

it("keys: fetched once; a rotated key is fetched again after the cooldown; unknown kids and a failing key server cost at most one fetch per cooldown", async () => {
  const server = jwks as JwksServer;
  const down = downJwks as JwksServer;
  await withService(async (port) => {
    const post = async (path: string, t: string) => (await rawRequest(port, "POST", `/${path}/${randomUUID()}`, bearer(t), Buffer.from("{}"))).status;
    // The table above filled the cache: no fetch for known keys.
    const before = server.fetches;
    for (let i = 0; i < 20; i++) assert.is(await post("plain", await token()), 200);
    assert.is(server.fetches, before, "a known key is never fetched again");

    const rotated = rotatedKey as SigningKey;
    server.keys = [rotated.jwk];
    await sleep(1100); // the 1 s cooldown since the last fetch
    assert.is(await post("plain", await token({}, { with: rotated })), 200, "a token signed with the new key");
    assert.is(server.fetches, before + 1, "one fetch for the new kid");
    key = rotated; // what the later tests sign with

    // The key server fails while the set is fresh: unknown kids may not make it fetch on every request either.
    server.failing = true;
    await sleep(1100);
    const whileFailing = server.fetches;
    for (let i = 0; i < 30; i++) assert.is(await post("plain", await token({}, { kid: `failing-${i}` })), 401);
    assert.ok(server.fetches - whileFailing <= 1, `30 unknown kids while the fresh set's server fails made ${server.fetches - whileFailing} fetches`);
    assert.is(await post("plain", await token({}, { with: rotated })), 200, "a known key still works");
    server.failing = false;
    await sleep(1100);

    const afterRotation = server.fetches;
    for (let i = 0; i < 30; i++) assert.is(await post("plain", await token({}, { kid: `random-${i}` })), 401);
    assert.ok(server.fetches - afterRotation <= 1, `30 unknown kids within a second made ${server.fetches - afterRotation} fetches`);

    const downBefore = down.fetches;
    for (let i = 0; i < 30; i++) assert.is(await post("down", await token()), 401, "no key, no publish");
    assert.ok(down.fetches - downBefore <= 1, `30 requests while the key server fails made ${down.fetches - downBefore} fetches`);
    await sleep(1100);
    assert.is(await post("down", await token()), 401);
    assert.is(down.fetches - downBefore, 2, "tried again once the cooldown is over");
  });
});

interface Adapters {
  express: { createExpressRouter(publisher: GenPublisher): Router };
  fastify: { amqpGenFastifyPlugin: FastifyPluginAsync<{ publisher: GenPublisher }> };
  hono: { createHonoApp(publisher: GenPublisher): Hono };
}

it("Express, Fastify and Hono give the node:http listener's answers, with no wiring", async () => {
  const dir = (generated as Generated).dir;
  const load = async <T>(name: string) => (await import(pathToFileURL(join(dir, "adapters", `${name}.ts`)).href)) as T;
  const adapters = {
    express: await load<Adapters["express"]>("express"),
    fastify: await load<Adapters["fastify"]>("fastify"),
    hono: await load<Adapters["hono"]>("hono"),
  };
  await withService(async (nodePort) => {
    const publisher = (generated as Generated).mod.createPublisher({ url: AMQP_URL, logger: collectingLogger() });
    await publisher.ready();
    const app = express();
    app.use("/amqp", adapters.express.createExpressRouter(publisher));
    const expressServer = createServer(app);
    await new Promise<void>((resolve) => expressServer.listen(0, "127.0.0.1", resolve));
    const fastify = Fastify();
    await fastify.register(adapters.fastify.amqpGenFastifyPlugin, { publisher, prefix: "/amqp" });
    await fastify.listen({ port: 0, host: "127.0.0.1" });
    const hono = new Hono();
    hono.route("/amqp", adapters.hono.createHonoApp(publisher));
    const honoServer = await new Promise<Server>((resolve) => {
      const server = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(server as Server));
    });
    const targets = [
      { name: "node", port: nodePort, base: "" },
      { name: "express", port: (expressServer.address() as AddressInfo).port, base: "/amqp" },
      { name: "fastify", port: (fastify.server.address() as AddressInfo).port, base: "/amqp" },
      { name: "hono", port: (honoServer.address() as AddressInfo).port, base: "/amqp" },
    ];
    try {
      for (const c of CASES) {
        const headers = { "content-type": "application/json", ...(await c.headers()) };
        const answers: string[] = [];
        for (const target of targets) {
          const response = await rawRequest(target.port, "POST", `${target.base}/${c.path}/${randomUUID()}`, headers, Buffer.from("{}"));
          answers.push(
            `${target.name}: ${response.status} ${String(response.headers["www-authenticate"] ?? "-")} ${response.status === 200 ? "" : response.body}`,
          );
        }
        const first = answers[0]?.replace(/^node: /, "");
        for (const answer of answers) assert.is(answer.replace(/^\w+: /, ""), first, `${c.name}: ${answers.join(" | ")}`);
        assert.ok(answers[0]?.startsWith(`node: ${c.status} `), `${c.name}: ${answers[0]}`);
      }
    } finally {
      expressServer.closeAllConnections();
      await new Promise<void>((resolve) => expressServer.close(() => resolve()));
      await fastify.close();
      (honoServer as Server).closeAllConnections?.();
      await new Promise<void>((resolve) => honoServer.close(() => resolve()));
      await publisher.close();
    }
  });
  await takeAllIds(AMQP_URL, QUEUE); // the accepted requests' messages, not the next test's
});

test.run();
