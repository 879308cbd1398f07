/**
 * The broker's own limit, for the HTTP benchmark to be read against: the message the HTTP
 * servers publish (same exchange, routing key, properties and headers), published from one
 * amqplib confirm channel with 50 awaiting their confirm at all times, as 50 HTTP clients
 * keep 50 requests in flight. No HTTP. Argument: seconds to measure, after a second's warm-up;
 * prints `rate <confirmed messages per second>` and exits.
 */
import { connect } from "amqplib";

const EXCHANGE = "bench.http.produce";
const IN_FLIGHT = 50;
const BODY = Buffer.from(JSON.stringify({ sku: "A-1", quantity: 2 }));

const model = await connect(process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672");
const channel = await model.createConfirmChannel();
await channel.assertExchange(EXCHANGE, "topic", { durable: true });

function run(seconds: number): Promise<number> {
  const endAt = Date.now() + seconds * 1000;
  let confirmed = 0;
  let outstanding = 0;
  return new Promise((resolve) => {
    const publishOne = (): void => {
      outstanding++;
      channel.publish(
        EXCHANGE,
        "eu.orders",
        BODY,
        {
          persistent: true,
          expiration: "60000",
          replyTo: "replies",
          messageId: "msg-1",
          priority: 5,
          contentType: "application/json",
          headers: { "Content-Type": ["application/json"], "X-Forwarded-For": ["127.0.0.1"], "X-Forwarded-Host": ["127.0.0.1"], "User-Agent": ["amqp-gen"] },
          timestamp: Math.floor(Date.now() / 1000),
        },
        (err: unknown) => {
          outstanding--;
          if (!err) confirmed++;
          if (Date.now() < endAt) publishOne();
          else if (outstanding === 0) resolve(confirmed / seconds);
        },
      );
    };
    for (let i = 0; i < IN_FLIGHT; i++) publishOne();
  });
}

const seconds = Number(process.argv[2] ?? 8);
await run(1); // warm-up: JIT, the broker's queue
process.stdout.write(`rate ${(await run(seconds)).toFixed(1)}\n`);
await model.close();
