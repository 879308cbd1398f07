// The protection stages of the runtime on their own (no broker, no server): the CORS, security/http
// and bot-detector fields the end-to-end tests do not reach, on requests built by hand.
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createBotDetector } from "../templates/runtime/botdetector.js";
import { createCors } from "../templates/runtime/cors.js";
import { createHttpSecurity } from "../templates/runtime/httpsecure.js";
import { createJwtCheck } from "../templates/runtime/jwt.js";
import { createRateLimit } from "../templates/runtime/ratelimit.js";
import type { CorsSettings, HttpSecuritySettings } from "../templates/runtime/types.js";

function request(method: string, headers: Record<string, string>, remoteAddress = "203.0.113.9"): IncomingMessage {
  return { method, url: "/orders/1", headers, socket: { remoteAddress } as Socket } as unknown as IncomingMessage;
}

const CORS: CorsSettings = {
  allowOrigins: ["https://*.example.com"],
  allowMethods: ["GET", "POST", "HEAD"],
  allowHeaders: ["Content-Type"],
  exposeHeaders: [],
  allowCredentials: false,
  allowPrivateNetwork: false,
  maxAgeSeconds: 0,
  optionsSuccessStatus: 204,
  optionsPassthrough: false,
};
const preflight = (origin: string, more: Record<string, string> = {}) =>
  request("OPTIONS", { origin, "access-control-request-method": "POST", "access-control-request-headers": "Content-Type", ...more });

test("CORS: a wildcard origin matches its subdomains only; headers compared without case", () => {
  const cors = createCors(CORS);
  assert.is(cors.preflight(preflight("https://app.example.com"))?.headers["Access-Control-Allow-Origin"], "https://app.example.com");
  assert.is(cors.preflight(preflight("https://APP.Example.com"))?.headers["Access-Control-Allow-Origin"], "https://APP.Example.com");
  assert.is(cors.preflight(preflight("https://example.com.evil.org"))?.headers["Access-Control-Allow-Origin"], undefined);
  assert.is(cors.preflight(preflight("http://app.example.com"))?.headers["Access-Control-Allow-Origin"], undefined, "another scheme");
  assert.is(
    cors.preflight(preflight("https://app.example.com", { "access-control-request-headers": "content-type, x-secret" }))?.headers[
      "Access-Control-Allow-Origin"
    ],
    undefined,
    "a header not allowed",
  );
  assert.is(
    cors.preflight(request("OPTIONS", { origin: "https://app.example.com" })),
    null,
    "OPTIONS without Access-Control-Request-Method is not a preflight",
  );
});

test("CORS: options_passthrough routes preflights; options_success_status; private network; any origin without credentials is *", () => {
  assert.is(createCors({ ...CORS, optionsPassthrough: true }).preflight(preflight("https://app.example.com")), null);
  assert.is(createCors({ ...CORS, optionsSuccessStatus: 200 }).preflight(preflight("https://app.example.com"))?.status, 200);
  const pna = createCors({ ...CORS, allowPrivateNetwork: true }).preflight(
    preflight("https://app.example.com", { "access-control-request-private-network": "true" }),
  );
  assert.is(pna?.headers["Access-Control-Allow-Private-Network"], "true");
  const any = createCors({ ...CORS, allowOrigins: [] });
  assert.is(any.headers(request("POST", { origin: "https://anyone.test" }))["Access-Control-Allow-Origin"], "*");
  assert.equal(any.headers(request("PUT", { origin: "https://anyone.test" })), { Vary: "Origin" }, "a method not allowed gets no CORS headers");
});

const HTTP: HttpSecuritySettings = {
  allowedHosts: [],
  allowedHostsAreRegex: false,
  hostProxyHeaders: [],
  sslRedirect: false,
  sslHost: "",
  sslProxyHeaders: {},
  stsSeconds: 0,
  stsIncludeSubdomains: false,
  forceStsHeader: false,
  frameOptions: "",
  contentTypeNosniff: false,
  browserXssFilter: false,
  contentSecurityPolicy: "",
  referrerPolicy: "",
  isDevelopment: false,
};

test("security/http: custom frame options, forced STS over plain HTTP, regex hosts, development mode", () => {
  assert.equal(createHttpSecurity({ ...HTTP, frameOptions: "SAMEORIGIN" }).headers(request("GET", {}), null), { "X-Frame-Options": "SAMEORIGIN" });
  assert.equal(createHttpSecurity({ ...HTTP, stsSeconds: 60, forceStsHeader: true }).headers(request("GET", {}), null), {
    "Strict-Transport-Security": "max-age=60",
  });
  const regex = createHttpSecurity({ ...HTTP, allowedHosts: ["api\\.example\\.(com|org)"], allowedHostsAreRegex: true });
  assert.is(regex.check(request("GET", { host: "api.example.org" }), null), null);
  assert.is(regex.check(request("GET", { host: "api.example.org.evil.test" }), null)?.status, 400, "matched whole");
  const development = createHttpSecurity({
    ...HTTP,
    allowedHosts: ["api.example.com"],
    sslRedirect: true,
    stsSeconds: 60,
    forceStsHeader: true,
    isDevelopment: true,
  });
  assert.is(development.check(request("GET", { host: "localhost:8080" }), null), null, "no host check, no redirect");
  assert.equal(development.headers(request("GET", {}), null), {}, "no STS");
});

test("security/http: a pattern's alternatives match the whole Host; exact hosts compare without case; the redirect keeps a mount point", () => {
  const alternatives = createHttpSecurity({ ...HTTP, allowedHosts: ["api\\.example\\.com|www\\.example\\.com"], allowedHostsAreRegex: true });
  assert.is(alternatives.check(request("GET", { host: "www.example.com" }), null), null);
  assert.is(alternatives.check(request("GET", { host: "api.example.com.evil.net" }), null)?.status, 400, "the first alternative is anchored at its end too");
  assert.is(createHttpSecurity({ ...HTTP, allowedHosts: ["api.example.com"] }).check(request("GET", { host: "API.Example.com" }), null), null);
  const mounted = Object.assign(request("GET", { host: "api.example.com" }), { url: "/orders/1", originalUrl: "/amqp/orders/1" });
  assert.is(createHttpSecurity({ ...HTTP, sslRedirect: true }).check(mounted, null)?.headers["Location"], "https://api.example.com/amqp/orders/1");
});

test("rate limit: a long client key is kept as its hash, one bucket per key all the same", () => {
  const limit = createRateLimit({ endpoint: null, client: { perSecond: 1, capacity: 1, by: { kind: "header", header: "x-client" } } });
  const long = (c: string) => request("POST", { "x-client": c.repeat(16 * 1024) });
  assert.is(limit(long("a"), [], null), null);
  assert.is(limit(long("a"), [], null)?.status, 429, "the same long key: the same bucket");
  assert.is(limit(long("b"), [], null), null, "another long key: another bucket");
});

test("JWT: a local key file that cannot be read stops the service at start, not on a request", () => {
  const settings = {
    alg: "RS256",
    keys: { file: "/nonexistent/keys.json" },
    audience: [],
    issuer: null,
    leewaySeconds: 1,
    header: "authorization",
    cookie: null,
    roles: null,
    scopes: null,
    propagate: [],
    preserveArrays: false,
  };
  assert.throws(() => createJwtCheck(settings), /ENOENT/);
});

test("bot detector: a bounded verdict cache still answers right after it turns over", () => {
  const isBot = createBotDetector({ allow: [], deny: ["BadClient"], patterns: [["bot", "i"]], emptyIsBot: false, cacheSize: 4 });
  for (let i = 0; i < 50; i++) assert.is(isBot(request("GET", { "user-agent": `Browser/${i}` })), false);
  assert.is(isBot(request("GET", { "user-agent": "BadClient" })), true);
  assert.is(isBot(request("GET", { "user-agent": "GoodBOT" })), true);
  assert.is(isBot(request("GET", { "user-agent": "Browser/0" })), false);
  assert.is(createBotDetector({ allow: [], deny: [], patterns: [], emptyIsBot: true, cacheSize: 0 })(request("GET", {})), true);
});

test.run();
