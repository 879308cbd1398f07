/**
 * Every publish is announced on the TracingChannel `amqp-gen:publish`: start, end, asyncStart and
 * asyncEnd around a confirmed publish, error (with the answer's status) around a failed one. The
 * context names the route, exchange, routing key and message id, holds the request, and its
 * `headers` are the message's: what a subscriber adds at `start` is published (trace context).
 */
import { tracingChannel } from "node:diagnostics_channel";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { PublishContext } from "../templates/runtime/tracing.js";
import { AMQP_URL, brokerTests, collectingLogger, generateAndImport, probeBroker, TestBroker, type GenPublisher } from "./helpers/broker.js";
import { send } from "./helpers/load.js";

const CONFIG = "fixtures/e2e-faults/krakend.json";
const QUEUE = "amqpgen.e2e.faults";

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; tracing tests not run");

let setupError: Error | null = noBroker && process.env["CI"] ? new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672") : null;
let broker: TestBroker;
let publisher: GenPublisher;
let server: Server;
let port = 0;

test.before(async () => {
  if (noBroker) return;
  try {
    const gen = await generateAndImport("tracing", readFileSync(CONFIG, "utf8"), CONFIG);
    broker = await TestBroker.open(probe);
    publisher = gen.mod.createPublisher({ url: AMQP_URL, logger: collectingLogger() });
    await publisher.ready();
    server = createServer(gen.mod.createRequestListener(publisher));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    await broker.purge([QUEUE]);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
});

test.after(async () => {
  if (noBroker) return;
  server?.closeAllConnections();
  server?.close();
  await publisher?.close();
  await broker?.purge([QUEUE]).catch(() => undefined);
  await broker?.close();
});

const it = brokerTests(noBroker && !process.env["CI"], () => setupError);

/** Records the events of every publish while `fn` runs. */
async function recording(fn: () => Promise<void>): Promise<{ event: string; context: PublishContext }[]> {
  const events: { event: string; context: PublishContext }[] = [];
  const channel = tracingChannel<PublishContext, PublishContext>("amqp-gen:publish");
  const subscribers = {
    start: (context: PublishContext) => {
      events.push({ event: "start", context });
      context.headers["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    },
    end: (context: PublishContext) => void events.push({ event: "end", context }),
    asyncStart: (context: PublishContext) => void events.push({ event: "asyncStart", context }),
    asyncEnd: (context: PublishContext) => void events.push({ event: "asyncEnd", context }),
    error: (context: PublishContext) => void events.push({ event: "error", context }),
  };
  channel.subscribe(subscribers);
  try {
    await fn();
  } finally {
    channel.unsubscribe(subscribers);
  }
  return events;
}

it("a confirmed publish: start, end, asyncStart, asyncEnd; the context names it; a header added at start is published as a string", async () => {
  const events = await recording(async () => {
    assert.is((await send(port, "/faults/trace-1", "{}")).status, 200);
  });
  assert.equal(
    events.map((e) => e.event),
    ["start", "end", "asyncStart", "asyncEnd"],
  );
  const context = events[0]?.context as PublishContext;
  assert.equal(
    [context.routeId, context.exchange, context.routingKey, context.messageId, context.request.url],
    ["postFaultsId", "amqpgen.e2e.faults", "faults.new", "trace-1", "/faults/trace-1"],
  );
  assert.equal(context.result, { ok: true });
  const message = await broker.takeOnly(QUEUE);
  assert.is(message.properties.headers?.["traceparent"], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "a plain string header");
});

it("a failed publish (unroutable, 502): error carries the answer's status; the request is answered as without a subscriber", async () => {
  let status = 0;
  const events = await recording(async () => {
    status = (await send(port, "/unroutable/trace-2", "{}")).status;
  });
  assert.is(status, 502);
  assert.equal(
    events.map((e) => e.event),
    ["start", "end", "error", "asyncStart", "asyncEnd"],
  );
  const error = events.find((e) => e.event === "error")?.context.error;
  assert.is(error?.status, 502);
  assert.match(error?.message ?? "", /could not be routed/);
});

it("with nobody subscribed, the message carries no header that a subscriber would add", async () => {
  assert.is((await send(port, "/faults/trace-3", "{}")).status, 200);
  const message = await broker.takeOnly(QUEUE);
  assert.is(message.properties.headers?.["traceparent"], undefined);
});

test.run();
