/**
 * The publisher's `logger` option takes pino as it is (any object with info/warn/error): its
 * events arrive as pino's JSON lines, at pino's levels, with URLs redacted.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AMQP_URL, brokerTests, generateAndImport, probeBroker, type Generated } from "./helpers/broker.js";

const CONFIG = "fixtures/e2e-faults/krakend.json";

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; logger tests not run");

let gen: Generated | null = null;
let setupError: Error | null = null;
test.before(async () => {
  if (noBroker) {
    if (process.env["CI"]) setupError = new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672");
    return;
  }
  const { readFileSync } = await import("node:fs");
  gen = await generateAndImport("logger", readFileSync(CONFIG, "utf8"), CONFIG);
});

const it = brokerTests(noBroker && !process.env["CI"], () => setupError);

interface PinoLine {
  level: number;
  msg: string;
  time: number;
}

/** A pino logger writing its JSON lines into `lines`. */
function capturingPino(lines: PinoLine[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as PinoLine);
      done();
    },
  });
  return pino({ base: null }, stream);
}

it("pino as the logger: connection events are pino JSON lines at info and warn, URLs without passwords", async () => {
  const lines: PinoLine[] = [];
  const logger = capturingPino(lines);
  const publisher = (gen as Generated).mod.createPublisher({
    url: ["amqp://guest:guest@127.0.0.1:5999", AMQP_URL],
    logger,
    connectTimeoutMs: 2000,
  });
  try {
    await publisher.ready();
  } finally {
    await publisher.close();
  }
  logger.flush();
  console.log(`\n  [pino] ${lines.map((l) => JSON.stringify(l)).join("\n  [pino] ")}`);
  const warn = lines.find((l) => l.level === 40 && l.msg.includes("127.0.0.1:5999"));
  const info = lines.find((l) => l.level === 30 && l.msg.startsWith("connected to "));
  assert.ok(warn, "the unreachable URL is a pino warn line (level 40)");
  assert.ok(info, "the connection is a pino info line (level 30)");
  for (const line of lines) {
    assert.type(line.time, "number", "pino stamps each line");
    assert.not.ok(line.msg.includes("guest:guest"), `no password in ${line.msg}`);
  }
});

test.run();
