import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import {
  AMQP_URL,
  brokerTests,
  type Generated,
  generateAndImport,
  probeBroker,
  type RawResponse,
  rawRequest,
  TestBroker,
  takeAllIds,
  topologyOf,
  withListener,
} from "./helpers/broker.js";

const P = "amqpgen.httpsecure.";
const QUEUE = `${P}messages`;

function config(security: object): string {
  return JSON.stringify({
    version: 3,
    extra_config: { "security/http": security },
    endpoints: [
      {
        endpoint: "/orders/{id}",
        method: "POST",
        backend: [
          {
            host: ["amqp://127.0.0.1:5672"],
            disable_host_sanitize: true,
            extra_config: { "backend/amqp/producer": { name: QUEUE, exchange: `${P}x`, routing_key: "Id", msg_id_key: "Id" } },
          },
        ],
      },
    ],
  });
}

const HEADERS = {
  allowed_hosts: ["api.example.com"],
  host_proxy_headers: ["X-Forwarded-Host"],
  ssl_proxy_headers: { "X-Forwarded-Proto": "https" },
  sts_seconds: 31536000,
  sts_include_subdomains: true,
  frame_deny: true,
  content_type_nosniff: true,
  browser_xss_filter: true,
  content_security_policy: "default-src 'none'",
  referrer_policy: "no-referrer",
};
const REDIRECT = { ssl_redirect: true, ssl_host: "secure.example.com", ssl_proxy_headers: { "X-Forwarded-Proto": "https" } };

test("generation: a host pattern that is not a regular expression is AG247; development mode and unknown fields AG248", async () => {
  const bad = await generate(config({ allowed_hosts: ["api\\.example\\.com", "(unclosed", "([a-z]+\\.)+example\\.com"], allowed_hosts_are_regex: true }));
  assert.equal(
    bad.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`),
    ["error AG247 /extra_config/security~1http/allowed_hosts/1", "error AG247 /extra_config/security~1http/allowed_hosts/2"],
  );
  const odd = await generate(config({ is_development: true, frame_denny: true, hpkp_public_key: "pin" }));
  assert.equal(
    odd.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`),
    [
      "warning AG248 /extra_config/security~1http/is_development",
      "warning AG248 /extra_config/security~1http/frame_denny",
      "warning AG248 /extra_config/security~1http/hpkp_public_key",
    ],
  );
  assert.is(odd.diagnostics[1]?.hint, 'Did you mean "frame_deny"?');
  const none = await generate(config({}).replace('"security/http"', '"@off"'));
  assert.not.ok(
    none.files.some((f) => f.path === "runtime/httpsecure.ts"),
    "no security/http, no httpsecure.ts",
  );
});

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; security/http broker tests not run");

let headersService: Generated | null = null;
let redirectService: Generated | null = null;
let broker: TestBroker | null = null;
let setupError: Error | null = null;
if (!skipAll) {
  try {
    if (noBroker) throw new Error("CI is set but RabbitMQ is not reachable");
    headersService = await generateAndImport("httpsecure-headers", config(HEADERS), "krakend.json");
    redirectService = await generateAndImport("httpsecure-redirect", config(REDIRECT), "krakend.json");
    const model = await probeBroker();
    if (model instanceof Error) throw model;
    broker = await TestBroker.open(model);
    const { queues, exchanges } = topologyOf(headersService.mod);
    await broker.remove(queues, exchanges);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const it = brokerTests(skipAll, () => setupError);

test.after(async () => {
  if (broker && headersService) {
    const { queues, exchanges } = topologyOf(headersService.mod);
    await broker.remove(queues, exchanges);
    await broker.close();
  }
});

async function withService(
  generated: Generated | null,
  options: { trustedProxies?: string[] },
  fn: (post: (path: string, headers: Record<string, string>) => Promise<RawResponse>) => Promise<void>,
): Promise<void> {
  if (!generated) throw new Error("not generated");
  await withListener(generated, options, (port) => fn((path, headers) => rawRequest(port, "POST", path, headers, Buffer.from("{}"))));
}

const SECURITY_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "x-xss-protection": "1; mode=block",
  "content-security-policy": "default-src 'none'",
  "referrer-policy": "no-referrer",
};
const securityHeadersOf = (response: RawResponse) => Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, response.headers[name]]));

it("allowed hosts: another Host is 400 and publishes nothing; every answer has the security headers; STS only over HTTPS", async () => {
  await withService(headersService, {}, async (post) => {
    const ok = await post("/orders/ok-1", { host: "api.example.com" });
    assert.is(ok.status, 200);
    assert.equal(securityHeadersOf(ok), SECURITY_HEADERS);
    assert.is(ok.headers["strict-transport-security"], undefined, "plain HTTP: no Strict-Transport-Security");
    const bad = await post("/orders/bad-1", { host: "evil.example" });
    assert.equal([bad.status, bad.body], [400, "Bad Host"]);
    assert.equal(securityHeadersOf(bad), SECURITY_HEADERS);
    const missing = await post("/nothing-here", { host: "api.example.com" });
    assert.is(missing.status, 404);
    assert.equal(securityHeadersOf(missing), SECURITY_HEADERS, "a 404 too");
    // Not from a trusted proxy: what the headers say is not believed.
    assert.is((await post("/orders/bad-2", { host: "evil.example", "x-forwarded-host": "api.example.com" })).status, 400);
    const claimed = await post("/orders/ok-2", { host: "api.example.com", "x-forwarded-proto": "https" });
    assert.is(claimed.headers["strict-transport-security"], undefined, "a client's X-Forwarded-Proto is not HTTPS");
  });
  await withService(headersService, { trustedProxies: ["127.0.0.1"] }, async (post) => {
    assert.is((await post("/orders/ok-3", { host: "internal:8080", "x-forwarded-host": "api.example.com" })).status, 200, "the proxy's X-Forwarded-Host");
    const https = await post("/orders/ok-4", { host: "api.example.com", "x-forwarded-proto": "https" });
    assert.is(https.headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
  });
  assert.equal([...(await takeAllIds(AMQP_URL, QUEUE))].sort(), ["ok-1", "ok-2", "ok-3", "ok-4"]);
});

it("ssl_redirect: plain HTTP is 301 to https://ssl_host with the same target; HTTPS through a trusted proxy is served", async () => {
  await withService(redirectService, { trustedProxies: ["127.0.0.1"] }, async (post) => {
    const plain = await post("/orders/r-1?x=1", { host: "api.example.com" });
    assert.equal([plain.status, plain.headers.location], [301, "https://secure.example.com/orders/r-1?x=1"]);
    assert.is((await post("/orders/r-2", { host: "api.example.com", "x-forwarded-proto": "https" })).status, 200);
  });
  assert.equal([...(await takeAllIds(AMQP_URL, QUEUE))], ["r-2"]);
});

test.run();
