/**
 * The server under test: amqp-gen's generated `node:http` listener for the benchmark config,
 * in its own process. Prints `port <n>` when ready. Argument: the generated folder.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

interface Generated {
  createPublisher(options?: { url?: string }): { ready(): Promise<void>; close(): Promise<void> };
  createRequestListener(publisher: unknown): Parameters<typeof createServer>[1];
}

const dir = process.argv[2] ?? "bench/.out/http-generated";
const mod = (await import(pathToFileURL(resolve(dir, "index.ts")).href)) as Generated;
const publisher = mod.createPublisher({ url: process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672" });
await publisher.ready();
const server = createServer(mod.createRequestListener(publisher)).listen(0, "127.0.0.1", () => {
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  void publisher.close().then(() => process.exit(0));
});
