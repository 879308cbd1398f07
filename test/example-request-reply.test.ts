/**
 * examples/request-reply: its generated/, written on demand, is what the generator produces from
 * its krakend.json, and the service and the responder, each in its own process, answer a POST with
 * the responder's JSON reply, then stop cleanly.
 *
 * The run against the broker needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it
 * that test is skipped with one message, unless CI is set, in which case it fails.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import { MANIFEST, renderManifest } from "../generator/output/write.js";
import { AMQP_URL, probeBroker, ROOT } from "./helpers/broker.js";

const EXAMPLE = join(ROOT, "examples", "request-reply");
const GENERATED = join(EXAMPLE, "generated");
const NAME = "amqpgen.example-rpc.quotes";

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; request-reply example not run");

/**
 * The example's generated/ is not committed (one copy of the runtime in the repository, in
 * generated/): it is written as `npm run example:rpc:generate` writes it, by the CLI, and must
 * then hold what generate() produces for its config.
 */
test("examples/request-reply/generated is written on demand by the CLI, with no diagnostic, as generate() makes it", async () => {
  const script: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["example:rpc:generate"];
  const command = / && (node dist\/generator\/cli\/cli\.js .*)$/.exec(script)?.[1];
  assert.ok(command, "npm run example:rpc:generate runs the CLI");
  const [, , ...args] = command.split(" "); // after `node dist/generator/cli/cli.js`
  const run = spawnSync(process.execPath, [join(ROOT, "dist/generator/cli/cli.js"), ...args], { cwd: ROOT, encoding: "utf8" });
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stderr, "", "the example's config has no diagnostics");
  const result = await generate(readFileSync(join(EXAMPLE, "krakend.json"), "utf8"), {
    file: "examples/request-reply/krakend.json",
    consumers: args.includes("--consumers"),
  });
  for (const f of result.files) assert.ok(readFileSync(join(GENERATED, f.path)).equals(Buffer.from(f.content, "utf8")), f.path);
  assert.is(readFileSync(join(GENERATED, MANIFEST), "utf8"), renderManifest(result.files), MANIFEST);
  const ignored = spawnSync("git", ["check-ignore", "-q", GENERATED], { cwd: ROOT });
  assert.is(ignored.status, 0, "git ignores it: the repository keeps one copy of the runtime");
});

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}

/** Starts one of the example's scripts and resolves once its stdout matches `ready`, within 15 s. */
function start(script: string, ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Running & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(EXAMPLE, script)], { env: { ...process.env, AMQP_URL, ...env }, stdio: "pipe" });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const running = { child, output: () => out };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script}: not ready within 15 s:\n${out}`)), 15_000);
    const check = () => {
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ ...running, match });
      }
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited ${code} before it was ready:\n${out}`));
    });
  });
}

/** SIGTERM, then the exit code (null if it had to be killed after 5 s). */
async function stop(running: Running): Promise<number | null> {
  const { child } = running;
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

test("the responder and the service answer POST /quote with the responder's JSON reply, and stop cleanly", async () => {
  if (noBroker) {
    if (process.env["CI"]) throw new Error("CI is set but RabbitMQ is not reachable");
    return;
  }
  let responder: Running | null = null;
  let service: Running | null = null;
  try {
    responder = await start("responder.ts", /responder consuming/);
    const started = await start("service.ts", /listening on http:\/\/127\.0\.0\.1:(\d+)/, { PORT: "0" });
    service = started;
    const base = `http://127.0.0.1:${started.match[1]}`;

    const order = { sku: "A-1", quantity: 4 };
    let res: Response | null = null;
    // The service answers 503 until it is connected and has declared and bound the queue.
    for (let i = 0; i < 50 && res?.status !== 200; i++) {
      if (res) await new Promise((r) => setTimeout(r, 100));
      res = await fetch(`${base}/quote`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(order) });
    }
    assert.ok(res);
    assert.is(res.status, 200, service.output());
    assert.is(res.headers.get("content-type"), "application/json");
    assert.equal(await res.json(), { quote: 10, for: order });

    // A body that is not JSON still gets a reply (the responder quotes one unit of it).
    const text = await fetch(`${base}/quote`, { method: "POST", body: "one of anything" });
    assert.is(text.status, 200);
    assert.equal(await text.json(), { quote: 2.5, for: "one of anything" });

    assert.is(await stop(service), 0, `service: ${service.output()}`);
    assert.is(await stop(responder), 0, `responder: ${responder.output()}`);
  } finally {
    for (const running of [service, responder]) if (running && running.child.exitCode === null) running.child.kill("SIGKILL");
  }
});

test.after(async () => {
  if (noBroker) return;
  // The example's queue and exchange are not durable, but they outlive the processes: remove them.
  const model = await probeBroker();
  if (model instanceof Error) return;
  const channel = await model.createChannel();
  channel.on("error", () => undefined);
  await channel.deleteQueue(NAME).catch(() => undefined);
  await channel.deleteExchange(NAME).catch(() => undefined);
  await model.close().catch(() => undefined);
});

test.run();
