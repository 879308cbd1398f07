/**
 * A complete service built on the committed `generated/` handlers: `npm run example`.
 * Publishes to the broker at AMQP_URL (default: the config's host, credentials removed).
 *
 *   curl -X POST localhost:8080/produce/60000/replies/msg-1/5/eu.orders -d 'hello'
 *   curl localhost:8080/__ready        # readiness: 200 while the broker is connected
 *   curl localhost:8080/metrics        # Prometheus metrics (prom-client)
 *
 * Traces: every publish is a PRODUCER span through @opentelemetry/api, exported by whatever SDK
 * the process starts with (without one, the API is a no-op), for example
 *   node --import @opentelemetry/auto-instrumentations-node/register --import tsx examples/service.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { registerOpenTelemetry } from "../generated/adapters/opentelemetry.js";
import { registerPrometheusMetrics } from "../generated/adapters/prometheus.js";
import { createPublisher, createRequestListener, routes } from "../generated/index.js";

const publisher = createPublisher();
const registry = registerPrometheusMetrics(publisher);
// After the SDK is set up (a MeterProvider registered later would not get the metrics).
registerOpenTelemetry();
const listener = createRequestListener(publisher, { maxBodyBytes: 256 * 1024 });

// Node answers 431 to request headers over 16 KiB; Go (and so KrakenD) allows 1 MiB. Raise it if
// your clients send large headers: a header table too big for an AMQP message is still a 400.
const server = createServer({ maxHeaderSize: 64 * 1024 }, (request, response) => {
  if (request.method === "GET" && request.url === "/metrics") {
    void registry.metrics().then((text) => {
      response.writeHead(200, { "Content-Type": registry.contentType });
      response.end(text);
    });
    return;
  }
  listener(request, response); // the routes, and the /__health and /__ready probes
});

server.listen(Number(process.env["PORT"] ?? 8080), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
  for (const route of routes) console.log(`  ${route.method.padEnd(6)} ${route.path}  →  exchange ${route.exchange.name}`);
});

// Graceful shutdown: stop taking requests, let outstanding confirms arrive, close the connection.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void publisher.close().then(() => process.exit(0));
  });
}
