/**
 * The examples/ service runs with one command and serves the committed generated/ handlers:
 * start it, publish through it to the real broker, stop it gracefully.
 */
import { spawn } from "node:child_process";
import { connect } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AMQP_URL, dropShowcaseQueues, probeBroker } from "./helpers/broker.js";

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) {
  await dropShowcaseQueues(probe);
  await probe.close();
}
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; example service test not run");

test("npm run example: starts, publishes through the generated handlers, shuts down cleanly", async () => {
  if (noBroker) {
    if (process.env["CI"]) throw new Error("CI is set but RabbitMQ is not reachable");
    return;
  }
  const child = spawn(process.execPath, ["--import", "tsx", "examples/service.ts"], {
    env: { ...process.env, PORT: "0", AMQP_URL },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line: ${stdout}${stderr}`)), 15_000);
      child.stdout.on("data", () => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    for (let i = 0; i < 40 && !stdout.includes("/produce/"); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(stdout, "POST   /produce/{a}/{b}/{id}/{prio}/{route}");
    const model = await connect(AMQP_URL);
    // On a fresh broker the queue does not exist until the service declares it: the purge is then
    // refused (404), which closes only this channel.
    const purger = await model.createChannel();
    purger.on("error", () => {});
    await purger.purgeQueue("amqpgen.showcase.produce").catch(() => undefined);
    const channel = await model.createChannel();
    let res: Response | null = null;
    for (let i = 0; i < 50 && res?.status !== 200; i++) {
      res = await fetch(`http://127.0.0.1:${port}/produce/60000/replies/example-1/5/eu.orders`, { method: "POST", body: "hello" });
      if (res.status !== 200) await new Promise((r) => setTimeout(r, 100)); // connecting
    }
    assert.is(res?.status, 200);
    const message = await channel.get("amqpgen.showcase.produce", { noAck: true });
    assert.ok(message, "the message is in the queue");
    assert.is(message.content.toString(), "hello");
    assert.is(message.properties.messageId, "example-1");
    assert.is(message.fields.routingKey, "eu.orders");
    // Request headers of 20 KiB: past Node's 16 KiB default (431), within the example's maxHeaderSize.
    const big = await fetch(`http://127.0.0.1:${port}/produce/60000/replies/example-2/5/eu.orders`, {
      method: "POST",
      body: "big headers",
      headers: { "x-padding": "p".repeat(20 * 1024) },
    });
    assert.is(big.status, 200, "a 20 KiB header block is served");
    assert.ok(await channel.get("amqpgen.showcase.produce", { noAck: true }), "and published");
    await model.close();
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.is(code, 0, stderr);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

test.run();
