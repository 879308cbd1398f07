/**
 * Failover on a real three-node RabbitMQ cluster (issue 3, fault test 4): two extra nodes on
 * this machine join the running one; the publisher connects through an extra node, with a
 * quorum queue replicated on all three; that node is stopped mid-load. No 2xx may be lost.
 * The machine's broker is left a single node, as found.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AMQP_URL, collectingLogger, generateAndImport, probeBroker, sleep, takeAllIds, type GenPublisherOptions } from "./helpers/broker.js";
import { MAIN_NODE, clusterNodes, extraNode, forgetNodes, joinCluster, removeNodes, startNode, stopApp } from "./helpers/cluster.js";
import { countByStatus, startLoad } from "./helpers/load.js";

const CONFIG = "fixtures/e2e-faults/krakend.json";
const QUEUE = "amqpgen.e2e.faults";
const nodes = [extraNode(1), extraNode(2)];

const unhandled: string[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(`unhandledRejection: ${String(reason)}`));
process.on("uncaughtException", (err) => unhandled.push(`uncaughtException: ${err.message}`));

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; cluster failover test not run");

async function deleteQueue(url: string): Promise<void> {
  const model = await connect(url);
  const channel = await model.createChannel();
  await channel.deleteQueue(QUEUE).catch(() => undefined);
  await model.close().catch(() => undefined);
}

test("cluster failover: stop the node the publisher uses mid-load; no 2xx lost (quorum queue)", async () => {
  if (noBroker) {
    if (process.env["CI"]) throw new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672");
    return;
  }
  const gen = await generateAndImport("faults-cluster", readFileSync(CONFIG, "utf8"), CONFIG);
  const logs = collectingLogger();
  let server: ReturnType<typeof createServer> | null = null;
  let publisher: { close(): Promise<void>; ready(): Promise<void> } | null = null;
  let before: string[] | null = null;
  try {
    // The two nodes boot side by side, each on its own, then join the machine's broker.
    const t0 = performance.now();
    await Promise.all(nodes.map((node) => startNode(node)));
    const bootMs = performance.now() - t0;
    const t1 = performance.now();
    before = await forgetNodes(nodes); // left listed by a run that died
    for (const node of nodes) await joinCluster(node);
    const setupMs = performance.now() - t1;
    assert.equal(clusterNodes(), [...before, ...nodes.map((n) => n.name)].sort());
    // A classic queue of the same name from other tests would clash with the quorum one.
    await deleteQueue(AMQP_URL);

    const [first, second] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    publisher = gen.mod.createPublisher({
      url: [first.url, second.url, AMQP_URL],
      queueType: "quorum",
      logger: logs,
    } as GenPublisherOptions);
    await publisher.ready();
    server = createServer(gen.mod.createRequestListener(publisher as Parameters<typeof gen.mod.createRequestListener>[0]));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    assert.ok(
      logs.lines.some((l) => l.message.includes(`:${first.amqpPort}`)),
      "the publisher starts on the first extra node",
    );

    const load = startLoad({ port, concurrency: 50, prefix: "cluster", path: (id) => `/faults/${id}`, pauseAfterFailureMs: 20 });
    await sleep(1500);
    const stopped = performance.now();
    await stopApp(first);
    // Serve until 2xx resumes through another node, then one more second.
    let recovered = -1;
    while (performance.now() - stopped < 30_000) {
      const recent = load.records.slice(-50);
      if (recent.length === 50 && recent.every((r) => r.status === 200) && load.records.some((r) => r.at > stopped)) {
        recovered = performance.now() - stopped;
        break;
      }
      await sleep(50);
    }
    await sleep(1000);
    const records = await load.stop();

    const ids = await takeAllIds(AMQP_URL, QUEUE);

    const ok = records.filter((r) => r.status === 200);
    const lost = ok.filter((r) => !ids.has(r.id));
    console.log(
      `\n  [cluster] 2 nodes booted in ${(bootMs / 1000).toFixed(1)} s, joined in ${(setupMs / 1000).toFixed(1)} s; sent ${records.length}, 2xx ${ok.length}, by status ${JSON.stringify(countByStatus(records))}` +
        `, messages in queue ${ids.size}, 2xx lost ${lost.length}, 2xx again ${recovered.toFixed(0)} ms after the node stopped`,
    );
    assert.ok(records.length >= 2000, `only ${records.length} requests`);
    assert.equal(lost.map((r) => r.id).slice(0, 10), [], `${lost.length} acknowledged messages lost`);
    assert.ok(
      records.every((r) => r.status === 200 || r.status === 502 || r.status === 503 || r.status === 504),
      "failures are honest",
    );
    assert.ok(recovered >= 0, "2xx resumed through another node");
    assert.ok(
      logs.lines.some((l) => /connected to .*:(5672|5674)/.test(l.message)),
      "reconnected to another node",
    );
    assert.equal(unhandled, []);
  } finally {
    if (server) {
      server.closeAllConnections();
      server.close();
    }
    if (publisher) await publisher.close();
    await deleteQueue(AMQP_URL).catch(() => undefined);
    const after = await removeNodes(nodes);
    if (before) assert.equal(after, before, "the machine's broker is a single node again");
    assert.ok(after.includes(MAIN_NODE));
  }
});

test.run();
