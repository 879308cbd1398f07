/**
 * The baseline for publish throughput: a minimal hand-written `node:http` + amqplib confirm
 * channel server that publishes the same message the generated handler publishes for
 * `POST /produce/{a}/{b}/{id}/{prio}/{route}` (same exchange, routing key, properties and
 * headers), with none of the generated code's checks, back-pressure or reconnection.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "amqplib";

const model = await connect(process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672");
const channel = await model.createConfirmChannel();
const EXCHANGE = "bench.http.produce";
await channel.assertExchange(EXCHANGE, "topic", { durable: true });

const server = createServer((req, res) => {
  const [, , a = "", b = "", id = "", prio = "", route = ""] = (req.url ?? "").split("?", 1)[0]?.split("/") ?? [];
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const headers: Record<string, string[]> = {
      "Content-Type": [req.headers["content-type"] ?? ""],
      "X-Forwarded-For": [req.socket.remoteAddress ?? ""],
      "X-Forwarded-Host": [req.headers.host ?? ""],
      "User-Agent": ["amqp-gen"],
    };
    channel.publish(
      EXCHANGE,
      decodeURIComponent(route),
      Buffer.concat(chunks),
      {
        persistent: true,
        expiration: decodeURIComponent(a),
        replyTo: decodeURIComponent(b),
        messageId: decodeURIComponent(id),
        priority: Number(prio),
        contentType: req.headers["content-type"],
        headers,
        timestamp: Math.floor(Date.now() / 1000),
      },
      (err: unknown) => {
        if (err) {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": "4" }).end("null");
      },
    );
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`));
process.once("SIGTERM", () => {
  server.close();
  void model.close().then(() => process.exit(0));
});
