/**
 * The liveness and readiness probes of the generated listener (the adapters answer them the same
 * way: test/adapters.test.ts). Liveness never depends on the broker; readiness is 200 only while
 * every broker is connected and not blocked, and names each broker's state without credentials.
 * Paths can be moved or turned off. The broker states come from a publisher that cannot connect
 * (a closed loopback port) and, for "blocked", from a stand-in publisher: the probe's logic is
 * what is tested here, the broker's alarms are in test/faults.test.ts.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPublisher, createRequestListener } from "../generated/index.js";
import { createListenerFor } from "../templates/runtime/http.js";
import type { BrokerStats, Publisher } from "../templates/runtime/types.js";
import { collectingLogger, rawRequest } from "./helpers/broker.js";

const servers: Server[] = [];

async function serve(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A publisher whose brokers are in the given states; nothing is ever published. */
function standIn(brokers: BrokerStats[]): Publisher {
  return {
    ready: async () => undefined,
    publish: async () => ({ ok: false, status: 503, message: "stand-in" }),
    availability: () => ({ ok: false, status: 503, message: "stand-in" }),
    close: async () => undefined,
    stats: () => ({ brokers, routes: [] }),
    recordAnswer: () => undefined,
  };
}

const broker = (state: Partial<BrokerStats>): BrokerStats => ({
  name: "amqp://127.0.0.1:5672",
  url: "amqp://guest:***@127.0.0.1:5672",
  connected: true,
  blocked: false,
  inFlight: 0,
  connections: 1,
  deadConnections: 0,
  drainWaits: 0,
  awaitingReply: 0,
  lateReplies: 0,
  ...state,
});

test.after(() => {
  for (const server of servers) server.close();
});

test("a broker that cannot be reached: /__health 200, /__ready 503 with Retry-After and the broker's state", async () => {
  const publisher = createPublisher({ url: "amqp://user:secret@127.0.0.1:5999", connectTimeoutMs: 500, logger: collectingLogger() });
  try {
    const port = await serve(createRequestListener(publisher));
    const health = await rawRequest(port, "GET", "/__health", {});
    assert.is(health.status, 200);
    assert.is((JSON.parse(health.body) as { status: string }).status, "ok");
    const ready = await rawRequest(port, "GET", "/__ready", {});
    assert.is(ready.status, 503);
    assert.is(ready.headers["retry-after"], "1");
    assert.equal(JSON.parse(ready.body), { status: "unavailable", brokers: [{ url: null, state: "disconnected" }] });
    assert.not.ok(ready.body.includes("secret"), "no credentials in the body");
    const head = await rawRequest(port, "HEAD", "/__health", {});
    assert.is(head.status, 200, "HEAD is answered too");
  } finally {
    await publisher.close();
  }
});

test("readiness: 200 only when every broker is connected and none is blocked", async () => {
  const cases: [BrokerStats[], number, string[]][] = [
    [[broker({})], 200, ["connected"]],
    [[broker({}), broker({ blocked: true })], 503, ["connected", "blocked"]],
    [[broker({ connected: false, url: null })], 503, ["disconnected"]],
  ];
  for (const [brokers, status, states] of cases) {
    const port = await serve(createListenerFor([], {}, standIn(brokers)));
    const ready = await rawRequest(port, "GET", "/__ready", {});
    assert.is(ready.status, status, states.join(", "));
    assert.equal(
      (JSON.parse(ready.body) as { brokers: { state: string }[] }).brokers.map((b) => b.state),
      states,
    );
  }
});

test("probes can be moved or turned off; other methods on a probe's path are routed as usual", async () => {
  const port = await serve(createListenerFor([], {}, standIn([broker({})]), { probes: { health: "/healthz", ready: false } }));
  assert.is((await rawRequest(port, "GET", "/healthz", {})).status, 200);
  assert.is((await rawRequest(port, "GET", "/__health", {})).status, 404, "the default path is free again");
  assert.is((await rawRequest(port, "GET", "/__ready", {})).status, 404, "readiness is off");
  const defaults = await serve(createListenerFor([], {}, standIn([broker({})])));
  assert.is((await rawRequest(defaults, "POST", "/__health", {}, Buffer.from("{}"))).status, 404, "POST is routed: no route has this path");
});

test.run();
