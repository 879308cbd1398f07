// CORS (`security/cors`) in a real browser: headless Chromium (Debian's, driven by
// playwright-core) loads a page from one loopback origin that POSTs JSON with a custom header to
// the generated service on another, so a preflight happens. An allowed origin publishes and reads
// the answer (and an exposed header); a disallowed one is stopped by the browser and publishes
// nothing; a credentialed request works where `allow_credentials` says so and is refused where it
// does not. Plus the preflight's and the answers' headers, read without a browser.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672 and /usr/bin/chromium (apt-get install
// chromium; .ci/run installs it). Without them the tests are skipped with a message, unless CI is
// set, in which case they fail.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import {
  AMQP_URL,
  brokerTests,
  type Generated,
  generateAndImport,
  probeBroker,
  rawRequest,
  TestBroker,
  takeAllIds,
  topologyOf,
  withListener,
} from "./helpers/broker.js";

const CHROMIUM = "/usr/bin/chromium";
const P = "amqpgen.cors.";
const QUEUE = `${P}messages`;

function config(cors: object): string {
  return JSON.stringify({
    version: 3,
    extra_config: { "security/cors": cors },
    endpoints: [
      {
        endpoint: "/orders/{id}",
        method: "POST",
        input_headers: ["Content-Type", "X-Request-Id"],
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

test("generation: credentials for any origin is AG249 (browsers refuse it); an unknown field AG250", async () => {
  const any = await generate(config({ allow_credentials: true }));
  assert.equal(
    any.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`),
    ["error AG249 /extra_config/security~1cors/allow_credentials"],
  );
  const odd = await generate(config({ allow_origins: ["https://*.example.com"], allow_header: ["X-A"], debug: true }));
  assert.equal(
    odd.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`),
    ["warning AG250 /extra_config/security~1cors/allow_header", "warning AG250 /extra_config/security~1cors/debug"],
  );
  assert.is(odd.diagnostics[0]?.hint, 'Did you mean "allow_headers"?');
});

/** A page server: an empty HTML page, from its own origin. */
async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => response.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>page</title>"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
const noBrowser = !existsSync(CHROMIUM);
const skipAll = (noBroker || noBrowser) && !process.env["CI"];
if (skipAll) console.log(`SKIPPED: ${noBroker ? "no RabbitMQ at 127.0.0.1:5672" : `no ${CHROMIUM} (apt-get install chromium)`}; CORS browser tests not run`);

let allowedPage: { server: Server; origin: string } | null = null;
let otherPage: { server: Server; origin: string } | null = null;
let withCredentials: Generated | null = null;
let withoutCredentials: Generated | null = null;
let browser: Browser | null = null;
let broker: TestBroker | null = null;
let setupError: Error | null = null;
if (!skipAll) {
  try {
    if (noBroker) throw new Error("CI is set but RabbitMQ is not reachable");
    if (noBrowser) throw new Error(`CI is set but ${CHROMIUM} is missing`);
    allowedPage = await pageServer();
    otherPage = await pageServer();
    const cors = {
      allow_origins: [allowedPage.origin],
      allow_methods: ["POST"],
      allow_headers: ["Content-Type", "X-Request-Id"],
      expose_headers: ["X-Krakend-Completed"],
      max_age: "1m",
    };
    withCredentials = await generateAndImport("cors-credentials", config({ ...cors, allow_credentials: true }), "krakend.json");
    withoutCredentials = await generateAndImport("cors-plain", config(cors), "krakend.json");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    const model = await probeBroker();
    if (model instanceof Error) throw model;
    broker = await TestBroker.open(model);
    const { queues, exchanges } = topologyOf(withCredentials.mod);
    await broker.remove(queues, exchanges);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const it = brokerTests(skipAll, () => setupError);

test.after(async () => {
  await browser?.close();
  allowedPage?.server.close();
  otherPage?.server.close();
  if (broker && withCredentials) {
    const { queues, exchanges } = topologyOf(withCredentials.mod);
    await broker.remove(queues, exchanges);
    await broker.close();
  }
});

/** The generated service on the real broker for `fn`, at its base URL. */
async function withService(generated: Generated | null, fn: (base: string, port: number) => Promise<void>): Promise<void> {
  if (!generated) throw new Error("not generated");
  await withListener(generated, {}, (port) => fn(`http://127.0.0.1:${port}`, port));
}

/** What a page at `origin` gets from a JSON POST with a custom header to `url`: the status and an exposed header, or the browser's error. */
async function fetchFrom(
  origin: string,
  url: string,
  credentials: "omit" | "include",
): Promise<{ status?: number; completed?: string | null; error?: string }> {
  const page = await (browser as Browser).newPage();
  try {
    await page.goto(`${origin}/`);
    return await page.evaluate(
      async ({ url, credentials }) => {
        try {
          const response = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-Request-Id": "from-a-page" },
            body: "{}",
            credentials,
          });
          return { status: response.status, completed: response.headers.get("X-Krakend-Completed") };
        } catch (err) {
          return { error: String(err) };
        }
      },
      { url, credentials },
    );
  } finally {
    await page.close();
  }
}

it("in Chromium: an allowed origin publishes and reads the answer; another is stopped by the browser and publishes nothing", async () => {
  await withService(withoutCredentials, async (base) => {
    assert.equal(await fetchFrom((allowedPage as { origin: string }).origin, `${base}/orders/allowed-1`, "omit"), { status: 200, completed: "false" });
    const refused = await fetchFrom((otherPage as { origin: string }).origin, `${base}/orders/other-1`, "omit");
    assert.match(refused.error ?? "", /Failed to fetch/, JSON.stringify(refused));
    // Credentials the config does not allow: the preflight's answer does not allow them, and the browser sends nothing.
    const credentialed = await fetchFrom((allowedPage as { origin: string }).origin, `${base}/orders/allowed-2`, "include");
    assert.match(credentialed.error ?? "", /Failed to fetch/, JSON.stringify(credentialed));
  });
  await withService(withCredentials, async (base) => {
    assert.equal(await fetchFrom((allowedPage as { origin: string }).origin, `${base}/orders/allowed-3`, "include"), { status: 200, completed: "false" });
  });
  assert.equal([...(await takeAllIds(AMQP_URL, QUEUE))].sort(), ["allowed-1", "allowed-3"], "nothing from the other origin, nor with credentials not allowed");
});

it("the preflight and the answers' headers, as rs/cors (KrakenD's) sends them", async () => {
  const origin = (allowedPage as { origin: string }).origin;
  await withService(withCredentials, async (_base, port) => {
    const preflight = await rawRequest(port, "OPTIONS", "/orders/p-1", {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, x-request-id",
    });
    assert.is(preflight.status, 204);
    assert.equal(
      [preflight.headers["access-control-allow-origin"], preflight.headers["access-control-allow-methods"], preflight.headers["access-control-allow-headers"]],
      [origin, "POST", "content-type, x-request-id"],
    );
    assert.equal([preflight.headers["access-control-allow-credentials"], preflight.headers["access-control-max-age"]], ["true", "60"]);
    const other = await rawRequest(port, "OPTIONS", "/orders/p-2", { origin: "http://elsewhere.example", "access-control-request-method": "POST" });
    assert.is(other.status, 204);
    assert.is(other.headers["access-control-allow-origin"], undefined, "no Access-Control headers for another origin");
    const actual = await rawRequest(port, "POST", "/orders/p-3", { origin, "content-type": "application/json" }, Buffer.from("{}"));
    assert.equal([actual.status, actual.headers["access-control-allow-origin"], actual.headers.vary], [200, origin, "Origin"]);
    assert.is(actual.headers["access-control-expose-headers"], "X-Krakend-Completed");
    const elsewhere = await rawRequest(
      port,
      "POST",
      "/orders/p-4",
      { origin: "http://elsewhere.example", "content-type": "application/json" },
      Buffer.from("{}"),
    );
    assert.equal(
      [elsewhere.status, elsewhere.headers["access-control-allow-origin"], elsewhere.headers.vary],
      [200, undefined, "Origin"],
      "served, without CORS headers: the browser enforces",
    );
  });
  await takeAllIds(AMQP_URL, QUEUE);
});

test.run();
