/**
 * The responder of the request-reply benchmark, in its own process so that it shares no event
 * loop with autocannon or the server under test: consumes the queue named by its argument and
 * answers every request at once, on its `replyTo` with its `correlationId`, with a small JSON
 * body. No acks (noAck): the benchmark measures the generated side and the broker's round
 * trip, not a worker's bookkeeping. Prints `ready` once consuming.
 */
import { connect } from "amqplib";

const queue = process.argv[2] ?? "bench.rpc.request";
const REPLY = Buffer.from('{"ok":true}');
const model = await connect(process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672");
const channel = await model.createChannel();
await channel.assertQueue(queue, { durable: false }); // as the generated route declares it
await channel.consume(
  queue,
  (request) => {
    if (!request?.properties.replyTo) return;
    channel.sendToQueue(request.properties.replyTo as string, REPLY, {
      correlationId: request.properties.correlationId as string,
      contentType: "application/json",
    });
  },
  { noAck: true },
);
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void model.close().then(() => process.exit(0));
});
