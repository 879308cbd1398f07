/**
 * The other half of the request-reply example: a worker that consumes the quote requests the
 * service publishes and answers each one on its `replyTo`, with its `correlationId`, as JSON:
 * `{ "quote": <price>, "for": <the request body> }`. Run it next to `service.ts`.
 */
import { connect } from "amqplib";

const QUEUE = "amqpgen.example-rpc.quotes";
const UNIT_PRICE = 2.5;

const model = await connect(process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672");
const channel = await model.createChannel();
// The same declaration as the service's (generated/routes/post-quote.ts), so that either may start
// first; the service binds it to its exchange.
await channel.assertQueue(QUEUE, { durable: false });
// Bounds the requests this worker holds at once; more workers on the queue share the load.
await channel.prefetch(50);

await channel.consume(QUEUE, (request) => {
  if (!request) return; // the consumer was cancelled (the queue was deleted)
  const { replyTo, correlationId } = request.properties as { replyTo?: string; correlationId?: string };
  // A message published without a reply address (not by the service) has nobody to answer.
  if (replyTo) {
    const body = parse(request.content.toString());
    const quantity = typeof body === "object" && body !== null && typeof body.quantity === "number" ? body.quantity : 1;
    const reply = { quote: Math.round(quantity * UNIT_PRICE * 100) / 100, for: body };
    // The service answers the HTTP request with these bytes and this content type.
    channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(reply)), { correlationId, contentType: "application/json" });
  }
  channel.ack(request);
});
console.log(`responder consuming ${QUEUE}`);

/** The request body as JSON when it is JSON, else as text: a bad body still gets an answer, not a 504. */
function parse(text: string): { quantity?: unknown } | string | number | boolean | null {
  try {
    return JSON.parse(text) as { quantity?: unknown };
  } catch {
    return text;
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    // Closing the connection returns unacknowledged requests to the queue, for another worker.
    void model.close().then(() => process.exit(0));
  });
}
