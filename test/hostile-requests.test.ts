/**
 * Hostile requests against the generated handlers (issue 5, points 7 and 8), through a real
 * server and the real broker: each is a 4xx with a JSON error, never a 5xx, a dropped
 * connection or a closed AMQP channel (a normal request on the same publisher still succeeds,
 * and nothing hostile reaches the queue). Slow and aborted clients publish nothing and hold no
 * publish slot.
 */
import { readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect as tcp } from "node:net";
import type { Channel, ChannelModel } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AMQP_URL, collectingLogger, generateAndImport, probeBroker, sleep, type GenPublisher, type Generated } from "./helpers/broker.js";

const CONFIG = "fixtures/e2e-hostile/krakend.json";
const QUEUE = "amqpgen.e2e.hostile";
const unhandled: string[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; hostile request tests not run");

let gen: Generated;
let admin: ChannelModel;
let channel: Channel;
let publisher: GenPublisher;
let server: Server;
let port: number;
const logs = collectingLogger();

interface Answer {
  status: number;
  body: string;
}

/** One raw request; `headers` may hold what fetch would refuse to send. */
function send(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "POST", headers: { "content-length": String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const ok = (id: string) => `/produce/60000/replies/${id}/5/hostile.ok`;

async function queued(): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const m = await channel.get(QUEUE, { noAck: true });
    if (m === false) return ids;
    ids.push(String(m.properties.messageId));
  }
}

/** A hostile request: a 4xx with a JSON error; the publish path still works; nothing hostile queued. */
async function rejects(name: string, path: string, body: string | Buffer, headers: Record<string, string>, status: number | number[]): Promise<void> {
  const res = await send(path, body, headers);
  const allowed = Array.isArray(status) ? status : [status];
  assert.ok(allowed.includes(res.status), `${name}: got ${res.status} ${res.body.slice(0, 200)}`);
  assert.type((JSON.parse(res.body) as { error?: unknown }).error, "string", `${name}: a JSON error`);
  const after = await send(ok(`after-${name}`), "{}");
  assert.is(after.status, 200, `${name}: the next request on the same publisher must succeed (channel alive)`);
  assert.equal(await queued(), [`after-${name}`], `${name}: only the normal message is queued`);
}

test.before(async () => {
  if (noBroker) {
    if (process.env["CI"]) throw new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672");
    return;
  }
  gen = await generateAndImport("hostile-requests", readFileSync(CONFIG, "utf8"), CONFIG);
  admin = probe as ChannelModel;
  admin.on("error", () => undefined);
  channel = await admin.createChannel();
  publisher = gen.mod.createPublisher({ url: AMQP_URL, maxInFlight: 1, logger: logs } as Parameters<typeof gen.mod.createPublisher>[0]);
  await publisher.ready();
  // A server that lets large header blocks through, as some deployments configure.
  server = createServer({ maxHeaderSize: 256 * 1024 }, gen.mod.createRequestListener(publisher, { maxBodyBytes: 64 * 1024 }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  await channel.purgeQueue(QUEUE);
});

test.after(async () => {
  if (noBroker) return;
  server.closeAllConnections();
  server.close();
  await publisher.close();
  await channel.deleteQueue(QUEUE);
  await channel.deleteExchange("amqpgen.e2e.hostile");
  await admin.close();
  assert.equal(unhandled, []);
});

const it = (name: string, fn: () => Promise<void>) =>
  test(name, async () => {
    if (!noBroker) await fn();
  });

it("a body over the limit: 413, and it is not buffered whole (the connection is closed early)", async () => {
  const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
  await rejects("declared-413", ok("big"), big, {}, 413);
  // Streamed without a length: the server stops at the limit instead of reading 10 MB.
  const res = await new Promise<Answer>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: ok("big-stream"), method: "POST", headers: { "transfer-encoding": "chunked" } }, (r) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    for (let i = 0; i < 10; i++) req.write(Buffer.alloc(64 * 1024, 0x62));
    req.end();
  });
  assert.is(res.status, 413);
  assert.equal(await queued(), []);
});

it("malformed percent-encoding in a param: 400", async () => {
  await rejects("percent", "/produce/60000/replies/%E0%A4%A/5/route", "{}", {}, 400);
  await rejects("percent-lone", "/produce/60000/replies/%/5/route", "{}", {}, 400);
});

it("params longer than AMQP's 255-byte short strings: 400 (routing key, reply-to, message id)", async () => {
  const long = "é".repeat(128); // 256 bytes in UTF-8
  await rejects("long-route", `/produce/60000/replies/id/5/${encodeURIComponent(long)}`, "{}", {}, 400);
  await rejects("long-reply", `/produce/60000/${encodeURIComponent(long)}/id/5/r`, "{}", {}, 400);
  await rejects("long-id", `/produce/60000/replies/${encodeURIComponent(long)}/5/r`, "{}", {}, 400);
});

it("priority and expiration out of range: 400", async () => {
  for (const [name, prio] of [
    ["prio-256", "256"],
    ["prio-neg", "-1"],
    ["prio-word", "high"],
    ["prio-float", "1.5"],
    ["prio-huge", "9".repeat(400)],
  ] as const) {
    await rejects(name, `/produce/60000/replies/id/${prio}/r`, "{}", {}, 400);
  }
  for (const [name, exp] of [
    ["exp-neg", "-5"],
    ["exp-word", "soon"],
    ["exp-huge", "99999999999"],
    ["exp-float", "1e3"],
  ] as const) {
    await rejects(name, `/produce/${exp}/replies/id/5/r`, "{}", {}, 400);
  }
});

it("headers that would exceed AMQP's 64 KiB table, or a header name over 255 bytes, or a long Content-Type: 4xx", async () => {
  const many: Record<string, string> = {};
  for (let i = 0; i < 40; i++) many[`x-big-${i}`] = "v".repeat(2000); // ~80 KB of headers, forwarded by "*"
  await rejects("table-64k", ok("big-headers"), "{}", many, [400, 431]);
  await rejects("long-name", ok("long-name"), "{}", { [`x-${"n".repeat(300)}`]: "v" }, [400, 431]);
  await rejects("long-content-type", ok("long-ct"), "{}", { "content-type": `text/plain; x=${"y".repeat(300)}` }, [400, 431]);
});

it("a client that aborts mid-body publishes nothing", async () => {
  await new Promise<void>((resolve) => {
    const socket = tcp(port, "127.0.0.1", () => {
      socket.write(`POST ${ok("aborted")} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"partial":`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
  });
  await sleep(200);
  assert.equal(await queued(), []);
  assert.is((await send(ok("after-abort"), "{}")).status, 200);
  assert.equal(await queued(), ["after-abort"]);
});

it("a slowloris client does not hold a publish slot (maxInFlight is 1 here)", async () => {
  const slow = tcp(port, "127.0.0.1");
  await new Promise<void>((resolve) => slow.once("connect", () => resolve()));
  slow.write(`POST ${ok("slow")} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n`);
  const drip = setInterval(() => slow.write("a"), 50);
  try {
    await sleep(200);
    // While the slow body drips in, normal requests get the only publish slot.
    for (let i = 0; i < 5; i++) assert.is((await send(ok(`beside-slow-${i}`), "{}")).status, 200);
    assert.equal(
      await queued(),
      [0, 1, 2, 3, 4].map((i) => `beside-slow-${i}`),
    );
  } finally {
    clearInterval(drip);
    slow.destroy();
  }
  await sleep(100);
  assert.equal(await queued(), [], "the slow client's half body was never published");
});

test.run();
