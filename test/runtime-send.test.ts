/**
 * The runtime's way of handing a message to amqplib (templates/runtime/send.ts): the fields it
 * builds are the ones amqplib's own `publish` builds, for every option, and on a real broker a
 * message sent the direct way arrives exactly as one sent through `publish`, with every
 * confirm reaching its own message's callback when the two ways are mixed on one channel.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ConfirmChannel, GetMessage } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { publishFields, senderFor } from "../templates/runtime/send.js";
import type { PublishOptions } from "../templates/runtime/types.js";
import { AMQP_URL, brokerTests, probeBroker, sleep } from "./helpers/broker.js";

const require = createRequire(import.meta.url);
// amqplib's own option-to-fields step, which `publishFields` must match (by path: amqplib exports only its API).
const Args = require(join(dirname(require.resolve("amqplib")), "lib/api_args.js")) as {
  publish(exchange: string, routingKey: string, options?: object): Record<string, unknown>;
};

/** amqplib's fields, with the headers it chains onto a fresh object read back as a plain one. */
function amqplibFields(exchange: string, routingKey: string, options: PublishOptions): Record<string, unknown> {
  const fields = Args.publish(exchange, routingKey, options);
  const headers: Record<string, unknown> = {};
  for (const key in fields["headers"] as object) headers[key] = (fields["headers"] as Record<string, unknown>)[key];
  return { ...fields, headers };
}

const OPTION_CASES: [string, PublishOptions][] = [
  [
    "a generated route's message",
    { persistent: true, expiration: "60000", replyTo: "r", messageId: "m", priority: 5, contentType: undefined, headers: { A: ["1"] }, timestamp: 1700000000 },
  ],
  ["nothing", {}],
  [
    "every property",
    {
      contentType: "a/b",
      contentEncoding: "gzip",
      headers: { x: 1 },
      priority: 9,
      correlationId: "c",
      replyTo: "q",
      expiration: 5,
      messageId: "i",
      timestamp: 1,
      type: "t",
      userId: "guest",
      appId: "app",
      mandatory: true,
    },
  ],
  ["persistent false", { persistent: false }],
  ["deliveryMode 2, no persistent", { deliveryMode: 2 }],
  ["deliveryMode true", { deliveryMode: true }],
  ["persistent wins over deliveryMode", { persistent: false, deliveryMode: 2 }],
];

test("publishFields: the fields amqplib's publish builds, for every option", () => {
  for (const [what, options] of OPTION_CASES) {
    const mandatory = options.mandatory === true;
    assert.equal({ ...publishFields("ex", "key", mandatory, options) }, amqplibFields("ex", "key", options), what);
  }
});

test("publishFields: an expiration of null is none (amqplib would throw on it, and String(null) is not a TTL)", () => {
  assert.is(publishFields("ex", "key", false, { expiration: null as unknown as string }).expiration, undefined);
  assert.is(publishFields("ex", "key", false, { expiration: 0 }).expiration, "0");
});

test("publishFields: one shape for every message, whatever the options hold", () => {
  const keys = (options: PublishOptions) => Object.keys(publishFields("ex", "key", false, options)).join(",");
  const first = keys({});
  for (const [what, options] of OPTION_CASES) assert.is(keys(options), first, what);
});

const probe = await probeBroker();
const noBroker = probe instanceof Error;
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; send tests against the broker not run");
const brokerTest = brokerTests(skipAll, () => (probe instanceof Error ? probe : null));
const QUEUE = "amqpgen.test.send";

async function getAll(channel: ConfirmChannel, count: number): Promise<GetMessage[]> {
  const got: GetMessage[] = [];
  const until = Date.now() + 5000;
  while (got.length < count && Date.now() < until) {
    const message = await channel.get(QUEUE, { noAck: true });
    if (message) got.push(message);
    else await sleep(10);
  }
  return got;
}

brokerTest("the direct way and amqplib's publish put the same message on the queue, and mixed on one channel every confirm finds its message", async () => {
  if (probe instanceof Error) return;
  const channel = await probe.createConfirmChannel();
  await channel.assertQueue(QUEUE, { durable: false, autoDelete: false });
  await channel.purgeQueue(QUEUE);
  try {
    const send = senderFor(channel, true);
    const options: PublishOptions = {
      persistent: true,
      expiration: "60000",
      messageId: "m-1",
      priority: 3,
      contentType: "application/json",
      headers: { "X-A": ["1", "2"], "User-Agent": ["amqp-gen"] },
      timestamp: 1700000000,
      correlationId: "c",
      type: "t",
      appId: "a",
    };
    const confirmed: string[] = [];
    const done = new Promise<void>((resolve) => {
      const confirm = (name: string) => (err: unknown) => {
        if (!err) confirmed.push(name);
        if (confirmed.length === 4) resolve();
      };
      // Interleaved, so that a delivery tag counted one way and not the other would misplace confirms.
      send("", QUEUE, Buffer.from("direct-1"), options, false, confirm("direct-1"));
      channel.publish("", QUEUE, Buffer.from("publish-1"), options, confirm("publish-1"));
      send("", QUEUE, Buffer.from("cc-1"), { ...options, CC: "elsewhere" }, false, confirm("cc-1")); // CC: amqplib's way
      send("", QUEUE, Buffer.from("direct-2"), { ...options, contentType: undefined }, false, confirm("direct-2"));
    });
    await done;
    assert.equal(confirmed, ["direct-1", "publish-1", "cc-1", "direct-2"]);
    const [direct, published, cc, noType] = await getAll(channel, 4);
    assert.ok(direct && published && cc && noType, "four messages on the queue");
    if (!direct || !published || !cc || !noType) return;
    assert.is(direct.content.toString(), "direct-1");
    assert.equal(direct.properties, published.properties, "the same properties, headers included");
    assert.equal(cc.properties.headers, { ...options.headers, CC: ["elsewhere"] });
    assert.is(noType.properties.contentType, undefined, "an undefined content type is not sent");
  } finally {
    await channel.deleteQueue(QUEUE).catch(() => undefined);
    await probe.close();
  }
});

brokerTest("on a closed channel the direct way throws, as amqplib's publish does", async () => {
  const model = await probeBroker(AMQP_URL);
  if (model instanceof Error) throw model;
  const channel = await model.createConfirmChannel();
  const send = senderFor(channel, true);
  await channel.close();
  assert.throws(() => send("", QUEUE, Buffer.from("x"), {}, false, () => undefined));
  await model.close();
});

test.run();
