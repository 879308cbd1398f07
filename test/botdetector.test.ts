import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import { translatePattern } from "../generator/pipeline/botdetector.js";
import {
  AMQP_URL,
  brokerTests,
  type Generated,
  generateAndImport,
  probeBroker,
  rawRequest,
  TestBroker,
  takeAllIds,
  topologyOf,
  withListener,
} from "./helpers/broker.js";

const P = "amqpgen.bots.";
const QUEUE = `${P}messages`;

function endpoint(path: string, extra: object): object {
  return {
    endpoint: `/${path}/{id}`,
    method: "POST",
    extra_config: extra,
    backend: [
      {
        host: ["amqp://127.0.0.1:5672"],
        disable_host_sanitize: true,
        extra_config: { "backend/amqp/producer": { name: QUEUE, exchange: `${P}x`, routing_key: "Id", msg_id_key: "Id" } },
      },
    ],
  };
}

function config(service: object | null, endpoints: object[]): string {
  return JSON.stringify({ version: 3, ...(service ? { extra_config: { "security/bot-detector": service } } : {}), endpoints }, null, 2);
}

test("RE2 patterns: translated where they mean the same, refused where they do not or could backtrack", () => {
  assert.equal(translatePattern("(?i)googlebot"), { source: "googlebot", flags: "i" });
  assert.equal(translatePattern("^curl/[0-9.]+$"), { source: "^curl/[0-9.]+$", flags: "" });
  assert.equal(translatePattern("(?P<name>bot)\\d"), { source: "(?<name>bot)\\d", flags: "" });
  assert.equal(translatePattern("(?is)crawl.*er"), { source: "crawl.*er", flags: "is" });
  assert.equal(translatePattern("(?U)bot.*"), { problem: "flag" });
  assert.equal(translatePattern("a(?i:bot)"), { problem: "flag" });
  assert.equal(translatePattern("[[:alpha:]]+bot"), { problem: "posix-class" });
  assert.equal(translatePattern("\\pLbot"), { problem: "unicode-class" });
  assert.equal(translatePattern("bot\\z"), { problem: "escape" });
  assert.equal(translatePattern("\\Qbot.v1\\E"), { problem: "escape" });
  assert.equal(translatePattern("[^[:alpha:]]bot"), { problem: "posix-class" });
  assert.equal(translatePattern("\\p{Greek}"), { problem: "unicode-class" });
  for (const risky of ["((a+))+$", "(a|a)+$", "(?:\\w|\\d)+x$", "(a|aa)+$"]) assert.equal(translatePattern(risky), { problem: "backtracking" }, risky);
  assert.equal(translatePattern("(a+)+$"), { problem: "backtracking" });
  assert.equal(translatePattern("(?:ab)+"), { source: "(?:ab)+", flags: "" }, "a repeated group with no quantifier or alternation inside is linear");
  assert.equal(translatePattern("bot("), { problem: "syntax" });
});

test("generation: a pattern that cannot be carried over is error AG245 at its position; an unknown field AG246", async () => {
  const result = await generate(config({ patterns: ["(?i)bot", "(x+)+y"], deni: ["curl"] }, [endpoint("a", {})]));
  assert.equal(
    result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`),
    ["error AG245 /extra_config/security~1bot-detector/patterns/1", "warning AG246 /extra_config/security~1bot-detector/deni"],
  );
  assert.is(result.diagnostics[1]?.hint, 'Did you mean "deny"?');
  assert.equal(result.files, []);
  const plain = await generate(config(null, [endpoint("a", {})]));
  assert.not.ok(
    plain.files.some((f) => f.path === "runtime/botdetector.ts"),
    "no detector, no botdetector.ts",
  );
});

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; bot detector broker test not run");

let generated: Generated | null = null;
let broker: TestBroker | null = null;
let setupError: Error | null = null;
if (!skipAll) {
  try {
    if (noBroker) throw new Error("CI is set but RabbitMQ is not reachable");
    const service = { allow: ["MonitorBot/1.0"], patterns: ["(?i)bot", "^curl/"], cache_size: 100 };
    generated = await generateAndImport(
      "bots",
      config(service, [endpoint("open", {}), endpoint("strict", { "security/bot-detector": { deny: ["Mozilla/5.0 (evil)"], empty_user_agent_is_bot: true } })]),
      "krakend.json",
    );
    const model = await probeBroker();
    if (model instanceof Error) throw model;
    broker = await TestBroker.open(model);
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const it = brokerTests(skipAll, () => setupError);

test.after(async () => {
  if (broker && generated) {
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
    await broker.close();
  }
});

it("the service's detector on every route, the endpoint's after it: 403 with an empty body, nothing published", async () => {
  if (!generated) throw new Error("not generated");
  const accepted: string[] = [];
  await withListener(generated, {}, async (port, publisher) => {
    const cases: [string, string, string | undefined, number][] = [
      ["a browser", "open", "Mozilla/5.0 (X11; Linux x86_64)", 200],
      ["a pattern, any case", "open", "Mozilla/5.0 (compatible; GoogleBot/2.1)", 403],
      ["an anchored pattern", "open", "curl/8.4.0", 403],
      ["allow wins over the patterns", "open", "MonitorBot/1.0", 200],
      ["twice, from the cache", "open", "curl/8.4.0", 403],
      ["no User-Agent, where it is not a bot", "open", undefined, 200],
      ["the endpoint's deny", "strict", "Mozilla/5.0 (evil)", 403],
      ["the service's patterns on that endpoint too", "strict", "SomeBot", 403],
      ["no User-Agent, where it is a bot", "strict", undefined, 403],
      ["a browser there", "strict", "Mozilla/5.0 (X11; Linux x86_64)", 200],
    ];
    for (const [what, path, agent, status] of cases) {
      const id = `${path}-${accepted.length}-${status}-${what.length}`;
      const response = await rawRequest(port, "POST", `/${path}/${id}`, agent === undefined ? {} : { "user-agent": agent }, Buffer.from("{}"));
      assert.is(response.status, status, what);
      if (status === 403) assert.is(response.body, "", `${what}: an empty body, as KrakenD`);
      else accepted.push(id);
    }
    const bots = publisher.stats().routes.reduce((n, r) => n + r.outcomes.forbidden, 0);
    assert.is(bots, cases.filter(([, , , status]) => status === 403).length, "counted as forbidden");
  });
  assert.equal([...(await takeAllIds(AMQP_URL, QUEUE))].sort(), accepted.sort(), "only the accepted requests were published");
});

test.run();
