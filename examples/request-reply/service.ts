/**
 * A request-reply service on the `generated/` handlers (written by `npm run example:rpc` first), with
 * `npm run example:rpc:responder` running beside it. Each POST /quote is published with a
 * direct reply-to address and a fresh correlation id; the HTTP answer is the responder's reply
 * (200, its body, its content type), or 504 when none comes within the config's 2 s.
 *
 *   curl -X POST localhost:8080/quote -H 'content-type: application/json' -d '{"sku":"A-1","quantity":4}'
 *   → {"quote":10,"for":{"sku":"A-1","quantity":4}}
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPublisher, createRequestListener, routes } from "./generated/index.js";

// AMQP_URL, else the config's host (credentials removed: amqplib then uses guest:guest).
const publisher = createPublisher();
const server = createServer(createRequestListener(publisher, { maxBodyBytes: 64 * 1024 }));

server.listen(Number(process.env["PORT"] ?? 8080), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
  for (const route of routes) console.log(`  ${route.method.padEnd(6)} ${route.path}  →  exchange ${route.exchange.name}`);
});

// Graceful shutdown: stop taking requests, let the awaited replies arrive (or time out), close the connection.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void publisher.close().then(() => process.exit(0));
  });
}
