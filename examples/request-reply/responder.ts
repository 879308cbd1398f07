/**
 * The other half of the request-reply example: a worker that consumes the quote requests the
 * service publishes and answers each one on its `replyTo`, with its `correlationId`, as JSON:
 * `{ "quote": <price>, "for": <the request body> }`. Run it next to `service.ts`.
 */
import { connect } from "amqplib";
import { servePostQuote } from "./generated/consumers/post-quote.js";

const UNIT_PRICE = 2.5;

const model = await connect(process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672");
const channel = await model.createChannel();
// The generated consumer declares the queue as the service does (either may start first), holds
// 50 requests at a time (more workers on the queue share the load), answers each on its reply_to
// with its correlation_id, and acks it. A message without a reply address is rejected.
const consumer = await servePostQuote(
  channel,
  (request) => {
    const body = parse(request.body.toString());
    const quantity = typeof body === "object" && body !== null && typeof body.quantity === "number" ? body.quantity : 1;
    const reply = { quote: Math.round(quantity * UNIT_PRICE * 100) / 100, for: body };
    // The service answers the HTTP request with these bytes and this content type.
    return { body: JSON.stringify(reply), contentType: "application/json" };
  },
  { prefetch: 50 },
);
console.log(`responder consuming (consumer ${consumer.consumerTag})`);

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
