// The Prometheus adapter (generated/adapters/prometheus.ts, from `npm run generate`) on real
// parts: prom-client's registry, Debian's `promtool check metrics` on the exposition, and a real
// Prometheus server on a loopback port (temporary config and storage) scraping the example
// service, queried over its HTTP API for a counter that grew.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672 and `prometheus`/`promtool` on the PATH
// (Debian's prometheus package; .ci/run installs it). Without them the tests are skipped with a
// message, unless CI is set, in which case they fail.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry, register } from "prom-client";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { registerPrometheusMetrics } from "../generated/adapters/prometheus.js";
import { createPublisher, createRequestListener, DURATION_BUCKETS_SECONDS, OUTCOMES, routes, type Publisher } from "../generated/index.js";
import { AMQP_URL, dropShowcaseQueues, probeBroker, ROOT, withTimeout } from "./helpers/broker.js";

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) {
  await dropShowcaseQueues(probe);
  await probe.close();
}
const hasPrometheus = ["prometheus", "promtool"].every((tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0);
const missing = [noBroker ? "RabbitMQ at 127.0.0.1:5672" : null, hasPrometheus ? null : "prometheus/promtool (apt-get install prometheus)"].filter(Boolean);
if (missing.length > 0 && !process.env["CI"]) console.log(`SKIPPED: no ${missing.join(", no ")}; Prometheus tests not run`);

/** A test that needs the broker and Prometheus: skipped without them (outside CI), bounded in time. */
function realTest(name: string, ms: number, fn: () => Promise<void>): void {
  if (missing.length > 0 && !process.env["CI"]) {
    test.skip(name, fn);
    return;
  }
  test(name, async () => {
    if (missing.length > 0) throw new Error(`CI is set but there is no ${missing.join(", no ")}`);
    await withTimeout(fn(), ms, `test "${name}"`);
  });
}

const PRODUCE = "POST /produce/{a}/{b}/{id}/{prio}/{route}";
const producePath = (id: string, expiration = "60000") => `/produce/${expiration}/replies/${id}/5/eu.orders`;

async function serve(publisher: Publisher): Promise<{ server: Server; base: string }> {
  const server = createServer(createRequestListener(publisher));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The samples of a text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    found.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return found;
}

function sample(all: Map<string, number>, key: string): number {
  const value = all.get(key);
  assert.ok(value !== undefined, `no sample ${key}; have:\n${[...all.keys()].filter((k) => k.startsWith(key.slice(0, 20))).join("\n")}`);
  return value;
}

realTest("families: outcomes per route, the duration histogram, broker gauges, exactly as the requests went", 20_000, async () => {
  const publisher = createPublisher({ url: AMQP_URL });
  const registry = new Registry();
  assert.is(registerPrometheusMetrics(publisher, { registry }), registry, "returns the registry it was given");
  const { server, base } = await serve(publisher);
  try {
    await withTimeout(publisher.ready(), 10_000, "publisher.ready()");
    for (let i = 0; i < 3; i++) {
      const res = await fetch(base + producePath(`prom-${i}`), { method: "POST", body: "hello" });
      assert.is(res.status, 200, await res.text());
    }
    const refused = await fetch(base + producePath("prom-bad", "soon"), { method: "POST", body: "hello" });
    assert.is(refused.status, 400, "an expiration that is not a number is refused before the broker");
    assert.is((await fetch(`${base}/nowhere`, { method: "POST" })).status, 404);

    const text = await registry.metrics();
    const all = samples(text);
    const route = `route="${PRODUCE}"`;
    assert.is(sample(all, `amqpgen_published_messages_total{${route},outcome="published"}`), 3);
    assert.is(sample(all, `amqpgen_published_messages_total{${route},outcome="rejected"}`), 1);
    for (const outcome of OUTCOMES.filter((o) => o !== "published" && o !== "rejected")) {
      assert.is(sample(all, `amqpgen_published_messages_total{${route},outcome="${outcome}"}`), 0, outcome);
    }
    const other = routes.find((r) => `${r.method} ${r.path}` !== PRODUCE);
    assert.ok(other);
    assert.is(sample(all, `amqpgen_published_messages_total{route="${other.method} ${other.path}",outcome="published"}`), 0, "every route is listed, at 0");
    const unrouted = [...all.keys()].filter((k) => k.includes("nowhere"));
    assert.equal(unrouted, [], "a path that is no route adds no label");

    // The histogram: cumulative buckets, +Inf and _count are the published messages.
    const buckets = DURATION_BUCKETS_SECONDS.map((le) => sample(all, `amqpgen_publish_duration_seconds_bucket{le="${le}",${route}}`));
    assert.ok(
      buckets.every((b, i) => i === 0 || b >= (buckets[i - 1] as number)),
      `buckets are cumulative: ${buckets.join(" ")}`,
    );
    assert.is(sample(all, `amqpgen_publish_duration_seconds_bucket{le="+Inf",${route}}`), 3);
    assert.is(sample(all, `amqpgen_publish_duration_seconds_count{${route}}`), 3);
    const sum = sample(all, `amqpgen_publish_duration_seconds_sum{${route}}`);
    assert.ok(sum > 0 && sum < 30, `sum of durations ${sum} s`);

    const broker = `broker="amqp://127.0.0.1:5672"`;
    assert.is(sample(all, `amqpgen_broker_connected{${broker}}`), 1);
    assert.is(sample(all, `amqpgen_broker_blocked{${broker}}`), 0);
    assert.is(sample(all, `amqpgen_in_flight_messages{${broker}}`), 0);
    assert.is(sample(all, `amqpgen_broker_reconnects_total{${broker}}`), 0);
    assert.is(sample(all, `amqpgen_broker_dead_connections_total{${broker}}`), 0);
    assert.is(sample(all, `amqpgen_broker_drain_waits_total{${broker}}`), 0);
    assert.not.ok(text.includes("guest"), "no credentials in any label");

    // The JSON form reads the same snapshot (prom-client's cluster aggregation uses it).
    const json = await registry.getMetricsAsJSON();
    const histogram = json.find((m) => m.name === "amqpgen_publish_duration_seconds");
    assert.is(histogram?.values.length, routes.length * (DURATION_BUCKETS_SECONDS.length + 3));

    // promtool lints the exposition: names, units, types, help, label syntax.
    const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    assert.is(lint.status, 0, `promtool check metrics: ${lint.stdout}${lint.stderr}`);
    assert.is(`${lint.stdout}${lint.stderr}`.trim(), "", "promtool has nothing to say");

    assert.throws(() => registerPrometheusMetrics(publisher, { registry }), /already been registered/, "once per registry");
  } finally {
    server.close();
    await publisher.close();
  }
  const closed = samples(await registry.metrics());
  assert.is(sample(closed, `amqpgen_broker_connected{broker="amqp://127.0.0.1:5672"}`), 0, "a closed publisher is not connected");
});

realTest("outcomes: a broker that is not there counts as unavailable (503); the default registry is prom-client's global one", 15_000, async () => {
  const publisher = createPublisher({ url: "amqp://127.0.0.1:1", connectTimeoutMs: 200 });
  register.clear();
  try {
    assert.is(registerPrometheusMetrics(publisher), register);
    const { server, base } = await serve(publisher);
    try {
      const res = await fetch(base + producePath("prom-503"), { method: "POST", body: "hello" });
      assert.is(res.status, 503);
      const all = samples(await register.metrics());
      assert.is(sample(all, `amqpgen_published_messages_total{route="${PRODUCE}",outcome="unavailable"}`), 1);
      assert.is(sample(all, `amqpgen_publish_duration_seconds_count{route="${PRODUCE}"}`), 0, "durations are of published messages only");
      assert.is(sample(all, `amqpgen_broker_connected{broker="amqp://127.0.0.1:5672"}`), 0);
    } finally {
      server.close();
    }
  } finally {
    register.clear();
    await publisher.close();
  }
});

// ---------------------------------------------------------------------------------------------
// A real Prometheus server scraping the example service
// ---------------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a process and resolves with the first match of `ready` in its output. */
function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  what: string,
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn(command, args, { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 20_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });
}

/** One instant query over Prometheus' HTTP API: the value of its single result, or null. */
async function query(prometheus: string, expr: string): Promise<number | null> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data?: { result: { value: [number, string] }[] } };
  assert.is(body.status, "success", JSON.stringify(body));
  const first = body.data?.result[0];
  return first ? Number(first.value[1]) : null;
}

/** Polls `read` until `done` holds (every 250 ms, at most `ms`). */
async function until(read: () => Promise<number | null>, done: (value: number | null) => boolean, ms: number, what: string): Promise<number | null> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${value} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

realTest("a real Prometheus server scrapes the example service's /metrics and sees the published counter grow", 60_000, async () => {
  const dir = mkdtempSync(join(tmpdir(), "amqpgen-prometheus-"));
  const processes: ChildProcess[] = [];
  try {
    const example = await startProcess(
      process.execPath,
      ["--import", "tsx", "examples/service.ts"],
      { ...process.env, PORT: "0", AMQP_URL },
      /listening on http:\/\/127\.0\.0\.1:(\d+)/,
      "the example service",
    );
    processes.push(example.child);
    const service = `127.0.0.1:${example.match[1]}`;
    const promPort = await freePort();
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 500ms",
        "scrape_configs:",
        "  - job_name: amqpgen-example",
        "    static_configs:",
        `      - targets: ["${service}"]`,
        "",
      ].join("\n"),
    );
    const server = await startProcess(
      "prometheus",
      [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`],
      process.env,
      /Server is ready to receive web requests/,
      "prometheus",
    );
    processes.push(server.child);
    const prometheus = `http://127.0.0.1:${promPort}`;

    const up = await until(
      () => query(prometheus, 'up{job="amqpgen-example"}'),
      (v) => v === 1,
      15_000,
      "the example service is up for Prometheus",
    );
    assert.is(up, 1);
    const published = `sum(amqpgen_published_messages_total{job="amqpgen-example",outcome="published"})`;
    const before = (await until(
      () => query(prometheus, published),
      (v) => v !== null,
      15_000,
      "the published counter is scraped",
    )) as number;
    const sent = 5;
    for (let i = 0; i < sent; i++) {
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await fetch(`http://${service}${producePath(`prom-scraped-${i}`)}`, { method: "POST", body: "scraped" })).status;
        if (status === 503) await new Promise((r) => setTimeout(r, 100)); // still connecting
      }
      assert.is(status, 200);
    }
    const after = await until(
      () => query(prometheus, published),
      (v) => v !== null && v >= before + sent,
      15_000,
      `the published counter grows by ${sent}`,
    );
    assert.is(after, before + sent, "grew by exactly the messages published");
    const durations = await query(prometheus, `sum(amqpgen_publish_duration_seconds_count{job="amqpgen-example"})`);
    assert.is(durations, after, "one duration per published message");
    assert.is(await query(prometheus, `amqpgen_broker_connected{job="amqpgen-example"}`), 1);
  } finally {
    for (const child of processes) child.kill("SIGTERM");
    await Promise.all(processes.map((child) => (child.exitCode === null ? new Promise((r) => child.once("exit", r)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
