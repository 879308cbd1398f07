// The contract is true: for each fixture, every route's message, published by the generated
// listener on the real broker, is checked against that fixture's asyncapi.json. The message is
// read from a queue the test binds as the document's channel binding says (exchange name and
// type), then: headers and payload against their schemas (Ajv), the routing key against the
// channel address with the request's params, the properties against x-amqp-properties and the
// operation binding. Request-reply routes are answered as the operation's reply says.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import type { Channel, GetMessage } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Generated, generateAndImport, ROOT, rawRequest, sleep, topologyOf, withListener, brokerSuite } from "./helpers/broker.js";

/** A parsed asyncapi.json, read by the paths the checks name. */
// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document.
type Doc = Record<string, any>;

/** Fixtures whose routes need no token and publish to the local broker; names made this test's own. */
const FIXTURES = [
  "fixtures/showcase",
  "fixtures/body-schema",
  "fixtures/exchange-types",
  "fixtures/static-routing-key",
  "fixtures/legacy-namespace",
  "fixtures/krakend-1x",
  "fixtures/doc-2022-producer",
  "fixtures/doc-param-mapping",
  "examples/request-reply",
];
const configOf = (dir: string) => readFileSync(join(ROOT, dir, "krakend.json"), "utf8").replaceAll('"amqpgen.', '"amqpgen.contract.');

/** A valid body for each validated route, by operation id. */
const BODIES: Record<string, unknown> = {
  postOrdersRegionId: { sku: "A-1", quantity: 2, note: "contract" },
  postShipmentsWarehouse: {
    id: "SH-000123",
    status: "packed",
    items: [{ sku: "S-1", quantity: 1, tags: ["x"] }],
    address: { country: "NL", lines: ["1 Dam"] },
  },
  postTasksQueue: { task: { name: "resize", args: ["a"] }, attempt: 1 },
};

const { it, broker } = await brokerSuite("asyncapi.json contract tests");

const ref = (doc: Doc, pointer: string): Doc =>
  pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce((node: Doc, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);

/** The operation's message: its reference names a channel's message, which refers to the component. */
const messagePointerOf = (doc: Doc, operationId: string) =>
  `#/components/messages/${(doc.operations[operationId].messages[0].$ref as string).split("/").pop()}`;

/** Each path param's value: a number where the document says the property taken from it is one. */
function paramValues(doc: Doc, operationId: string, path: string): Record<string, string> {
  const message = ref(doc, messagePointerOf(doc, operationId));
  const properties: Record<string, Doc> = message["x-amqp-properties"].properties;
  const values: Record<string, string> = {};
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    const taken = Object.entries(properties).find(([, p]) => p["x-path-param"] === name)?.[0];
    values[name as string] = taken === "priority" ? "3" : taken === "expiration" ? "60000" : `${operationId.toLowerCase()}-${name}`;
  }
  return values;
}

/** What the document says one message must be; problems found, as sentences. */
function check(ajv: Ajv, doc: Doc, operationId: string, params: Record<string, string>, sent: Buffer, message: GetMessage): string[] {
  const problems: string[] = [];
  const operation = doc.operations[operationId];
  const channelPointer: string = operation.channel.$ref;
  const channel = ref(doc, channelPointer);
  const messagePointer = messagePointerOf(doc, operationId);
  const described = ref(doc, messagePointer);
  const validate = (what: string, pointer: string, value: unknown) => {
    const fn = ajv.getSchema(`asyncapi${pointer}`) ?? ajv.compile({ $ref: `asyncapi${pointer}` });
    if (!fn(value)) problems.push(`${what}: ${ajv.errorsText(fn.errors)}`);
  };
  // Routing key and exchange.
  const address: string | null = channel.address;
  if (address !== null) {
    const expected = address.replace(/\{([^}]+)\}/g, (_m, name: string) => params[name] ?? `<${name}?>`);
    if (message.fields.routingKey !== expected)
      problems.push(`routing key ${JSON.stringify(message.fields.routingKey)}, the address says ${JSON.stringify(expected)}`);
  }
  if (message.fields.exchange !== channel.bindings.amqp.exchange.name)
    problems.push(`exchange ${message.fields.exchange}, the binding says ${channel.bindings.amqp.exchange.name}`);
  // Headers, payload, properties.
  validate("headers", `${messagePointer}/headers`, message.properties.headers ?? {});
  if (described.payload) {
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString("utf8"));
    } catch {
      problems.push("payload: not JSON");
    }
    validate("payload", `${messagePointer}/payload`, body);
  } else if (!message.content.equals(sent)) {
    problems.push("payload: not the request body byte for byte");
  }
  const properties = Object.fromEntries(Object.entries(message.properties).filter(([key, value]) => value !== undefined && key !== "headers"));
  validate("properties", `${messagePointer}/x-amqp-properties`, properties);
  const binding = operation.bindings.amqp;
  // AMQP reads an absent delivery mode as 1 (transient).
  const deliveryMode = message.properties.deliveryMode ?? 1;
  if (deliveryMode !== binding.deliveryMode) problems.push(`deliveryMode ${deliveryMode}, the binding says ${binding.deliveryMode}`);
  if (binding.timestamp && typeof message.properties.timestamp !== "number") problems.push("no timestamp, the binding says one");
  return problems;
}

/** A queue of the test's own, bound as the channel binding says: it gets a copy of every message. */
async function tap(channel: Channel, doc: Doc, channelPointer: string, key: string): Promise<string> {
  const channelDoc = ref(doc, channelPointer);
  const exchange = channelDoc.bindings.amqp.exchange;
  // The broker refuses (406, closing the channel) a declaration that differs from the exchange
  // as it exists: the binding's type, durable and autoDelete are checked here.
  const args = channelDoc["x-amqp-exchange-arguments"];
  await channel.assertExchange(exchange.name, exchange.type, {
    durable: exchange.durable,
    autoDelete: exchange.autoDelete,
    ...(args ? { arguments: args } : {}),
  });
  const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
  const bindingKey = exchange.type === "topic" ? "#" : exchange.type === "direct" ? key : "";
  await channel.bindQueue(queue, exchange.name, bindingKey, exchange.type === "headers" ? { "x-match": "any", "X-Forwarded-Host": ["never"] } : {});
  if (exchange.type === "headers") await channel.bindQueue(queue, exchange.name, "", {});
  return queue;
}

async function nextMessage(channel: Channel, queue: string, withinMs = 5000): Promise<GetMessage> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const message = await channel.get(queue, { noAck: true });
    if (message) return message;
    await sleep(20);
  }
  throw new Error(`no message on ${queue} within ${withinMs} ms`);
}

async function runFixture(dir: string): Promise<void> {
  const name = `contract-${dir.split("/").pop()}`;
  const generated: Generated = await generateAndImport(name, configOf(dir), "krakend.json");
  const doc = JSON.parse(readFileSync(join(generated.dir, "asyncapi.json"), "utf8")) as Doc;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(doc, "asyncapi");
  const { queues, exchanges } = topologyOf(generated.mod);
  const model = broker().model;
  await broker().remove(queues, exchanges);
  const channel = await model.createChannel();
  try {
    await withListener(generated, {}, async (port) => {
      for (const [operationId, operation] of Object.entries(doc.operations as Record<string, Doc>)) {
        const { method, path } = operation["x-http"] as { method: string; path: string };
        const params = paramValues(doc, operationId, path);
        const url = path.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(params[p] as string));
        const channelDoc = ref(doc, operation.channel.$ref);
        const key = channelDoc.address === null ? "" : (channelDoc.address as string).replace(/\{([^}]+)\}/g, (_m, p: string) => params[p] as string);
        const queue = await tap(channel, doc, operation.channel.$ref, key);
        const sent = Buffer.from(JSON.stringify(BODIES[operationId] ?? { hello: operationId }));
        const body = method === "GET" ? Buffer.alloc(0) : sent;
        // Content-Length always: node:http sends a DELETE's body without one, as a second request.
        const headers = {
          "content-type": "application/json",
          "content-length": String(body.length),
          "x-request-id": `req-${operationId}`,
          "user-agent": "contract-test/1",
          "x-audit-source": "contract",
        };
        const answer = rawRequest(port, method, url, headers, body);
        const message = await nextMessage(channel, queue);
        if (operation.reply) {
          // As the operation's description says: to the default exchange, reply_to as the key, correlation_id copied.
          channel.sendToQueue(message.properties.replyTo as string, Buffer.from("ok"), {
            correlationId: message.properties.correlationId,
            contentType: "text/plain",
          });
        }
        const response = await answer;
        assert.ok(response.status < 300, `${dir} ${operationId}: HTTP ${response.status} ${response.body}`);
        assert.equal(check(ajv, doc, operationId, params, body, message), [], `${dir} ${operationId}`);
        await channel.deleteQueue(queue);
      }
    });
  } finally {
    await channel.close().catch(() => undefined);
    await broker().remove(queues, [...exchanges, "amqpgen.contract.types.dead"]);
  }
}

for (const dir of FIXTURES) {
  it(`${dir}: every route's message, as published, is what asyncapi.json says`, () => runFixture(dir));
}

it("the check can fail: a document that lies about a header, the key, or a property is caught", async () => {
  const generated = await generateAndImport("contract-lies", configOf("fixtures/showcase"), "krakend.json");
  const doc = JSON.parse(readFileSync(join(generated.dir, "asyncapi.json"), "utf8")) as Doc;
  const message = doc.components.messages.PostOrdersRegionIdMessage;
  message.headers.required.push("X-Not-Written");
  message["x-amqp-properties"].properties.deliveryMode.const = 1;
  doc.channels["amqpgen.contract.showcase.orders.by-region"].address = "orders.{region}";
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(doc, "asyncapi");
  const { queues, exchanges } = topologyOf(generated.mod);
  const model = broker().model;
  const channel = await model.createChannel();
  try {
    await withListener(generated, {}, async (port) => {
      const queue = await tap(channel, doc, "#/channels/amqpgen.contract.showcase.orders.by-region", "");
      const sent = Buffer.from(JSON.stringify(BODIES["postOrdersRegionId"]));
      const response = await rawRequest(port, "POST", "/orders/eu/id-1", { "content-type": "application/json" }, sent);
      assert.is(response.status, 200);
      const problems = check(ajv, doc, "postOrdersRegionId", { region: "eu", id: "id-1" }, sent, await nextMessage(channel, queue));
      assert.is(problems.length, 3, problems.join("\n"));
      assert.match(problems.join("\n"), /X-Not-Written/);
      assert.match(problems.join("\n"), /routing key "eu", the address says "orders.eu"/);
      assert.match(problems.join("\n"), /properties: .*deliveryMode/);
    });
  } finally {
    await channel.close().catch(() => undefined);
    await broker().remove(queues, exchanges);
  }
});

test.run();
