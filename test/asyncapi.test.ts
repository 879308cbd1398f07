// asyncapi.json, without the broker: every fixture's document passes @asyncapi/parser's
// validation; Modelina (a real consumer tool) generates TypeScript models from it, offline, that
// compile and agree with the body types amqp-gen generates; the document says what the IR says
// (channels, bindings, headers, properties, replies), carries no credential or path, and is
// deterministic. test/asyncapi-contract.test.ts checks it against real messages.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TypeScriptGenerator, typeScriptDefaultPropertyKeyConstraints } from "@asyncapi/modelina";
import { Parser } from "@asyncapi/parser";
import { Project } from "ts-morph";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import { listCases, REPO_ROOT } from "./helpers/golden.js";

/** The document as the tests read it: JSON, walked by known paths. */
// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, read by paths the assertions name.
type Doc = Record<string, any>;

const CASES: { name: string; text: string }[] = [
  ...listCases()
    .filter((c) => c.kind === "valid")
    .map((c) => ({ name: c.name, text: c.text })),
  { name: "examples/request-reply", text: readFileSync(join(REPO_ROOT, "examples/request-reply/krakend.json"), "utf8") },
];

/** Each case's output, made once (the parser and the Modelina tests read the same ones). */
const made = new Map<string, Promise<{ text: string; doc: Doc; files: Map<string, string> }>>();
function documentOf(text: string, options: Parameters<typeof generate>[1] = {}): Promise<{ text: string; doc: Doc; files: Map<string, string> }> {
  const key = JSON.stringify([text, options]);
  let result = made.get(key);
  if (!result) {
    result = makeDocument(text, options);
    made.set(key, result);
  }
  // A copy of the document: tests change theirs.
  return result.then((r) => ({ ...r, doc: JSON.parse(r.text) as Doc }));
}

async function makeDocument(text: string, options: Parameters<typeof generate>[1]): Promise<{ text: string; doc: Doc; files: Map<string, string> }> {
  const result = await generate(text, options);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  assert.equal(errors, [], "the config generates");
  const files = new Map(result.files.map((f) => [f.path, f.content]));
  const content = files.get("asyncapi.json");
  if (content === undefined) throw new Error("no asyncapi.json");
  return { text: content, doc: JSON.parse(content) as Doc, files };
}

const parser = new Parser();
/** The parser's errors and warnings (information and hints, such as "3.1.0 exists", left aside). */
async function problems(text: string): Promise<string[]> {
  const { diagnostics } = await parser.parse(text);
  return diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.severity === 0 ? "error" : "warning"} ${d.code}: ${d.message} at ${d.path.join("/")}`);
}

for (const c of CASES) {
  test(`${c.name}: asyncapi.json passes @asyncapi/parser with no error or warning`, async () => {
    const { text } = await documentOf(c.text);
    assert.equal(await problems(text), []);
  });
}

test("the parser check can fail: an operation of AsyncAPI 2's kind, or a reference to no channel, is an error", async () => {
  const { doc } = await documentOf(readFileSync(join(REPO_ROOT, "fixtures/showcase/krakend.json"), "utf8"));
  doc.operations.postOrdersRegionId.action = "publish";
  doc.operations.putEventsKind.channel.$ref = "#/channels/nowhere";
  const found = await problems(JSON.stringify(doc));
  assert.ok(
    found.some((p) => p.startsWith("error")),
    found.join("\n"),
  );
});

// ---------------------------------------------------------------------------------------------
// Modelina: models from the document compile, and agree with amqp-gen's body types.

const modelina = new TypeScriptGenerator({
  modelType: "interface",
  enumType: "union",
  // Property names as the JSON has them (Modelina renames `name` and `status` by default), and no
  // catch-all `additionalProperties` member: the two types are compared member by member.
  constraints: { propertyKey: typeScriptDefaultPropertyKeyConstraints({ NO_RESERVED_KEYWORDS: (value) => value }) },
  processorOptions: { interpreter: { ignoreAdditionalProperties: true, ignoreAdditionalItems: true } },
});

// One program for every fixture (TypeScript's libraries are read once): each fixture's models and
// body modules in a folder of its own.
test("Modelina's models of each fixture's bodies compile and agree with amqp-gen's body types both ways", async () => {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true, noEmit: true, target: 9 /* ES2022 */, module: 99 /* ESNext */, moduleResolution: 100 /* Bundler */ },
  });
  // Compared as values: json-schema-to-typescript writes `minItems: 1` as a tuple and an open
  // object with an index signature, Modelina neither; both name the same JSON.
  project.createSourceFile(
    "/loose.ts",
    [
      "export type Loose<T> = T extends readonly [infer H, ...infer R] ? Loose<H | R[number]>[] : T extends readonly (infer E)[] ? Loose<E>[]",
      "  : T extends object ? { [K in keyof T as string extends K ? never : K]: Loose<T[K]> } : T;",
    ].join("\n"),
  );
  const compared: string[] = [];
  for (const c of CASES) {
    const { doc, files } = await documentOf(c.text);
    const bodies = Object.keys((doc.components?.schemas ?? {}) as Doc).filter((name) => name.endsWith("Body"));
    const bodyFiles = [...files.keys()].filter((path) => path.endsWith(".body.ts"));
    assert.is(bodies.length, bodyFiles.length, `${c.name}: one payload schema per validated body`);
    if (bodies.length === 0) continue;
    const dir = `/${c.name.replace(/\//g, "-")}`;
    const models = await modelina.generateCompleteModels(doc, { exportType: "named" });
    for (const m of models) project.createSourceFile(`${dir}/modelina/${m.modelName}.ts`, m.result);
    const checks = ['import type { Loose } from "/loose";'];
    for (const path of bodyFiles) {
      project.createSourceFile(`${dir}/amqp-gen/${path}`, files.get(path) as string);
      const typeName = /export interface (\w+Body)\b/.exec(files.get(path) as string)?.[1];
      assert.ok(typeName && bodies.includes(typeName), `${c.name}: ${path} declares the payload's type`);
      assert.ok(
        models.some((m) => m.modelName === typeName),
        `${c.name}: Modelina made a model named ${typeName}`,
      );
      checks.push(
        `import type { ${typeName} as Ours_${typeName} } from "${dir}/amqp-gen/${path.replace(/\.ts$/, "")}";`,
        `import type { ${typeName} as Theirs_${typeName} } from "${dir}/modelina/${typeName}";`,
        `export const a_${typeName} = (x: Loose<Ours_${typeName}>): Loose<Theirs_${typeName}> => x;`,
        `export const b_${typeName} = (x: Loose<Theirs_${typeName}>): Loose<Ours_${typeName}> => x;`,
      );
      compared.push(`${c.name} ${typeName}`);
    }
    project.createSourceFile(`${dir}/check.ts`, checks.join("\n"));
  }
  assert.ok(compared.length >= 4, `bodies compared: ${compared.join(", ")}`);
  const diagnostics = project.getPreEmitDiagnostics().map((d) => `${d.getSourceFile()?.getFilePath()}: ${project.formatDiagnosticsWithColorAndContext([d])}`);
  assert.equal(diagnostics, []);
});

test("the agreement check can fail: a body type with a field of another type is refused", async () => {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { strict: true, noEmit: true } });
  project.createSourceFile(
    "/check.ts",
    [
      "type Loose<T> = T extends readonly [infer H, ...infer R] ? Loose<H | R[number]>[] : T extends readonly (infer E)[] ? Loose<E>[]",
      "  : T extends object ? { [K in keyof T as string extends K ? never : K]: Loose<T[K]> } : T;",
      "interface Ours { n: number; list: [string, ...string[]]; o?: { a: string } }",
      "interface TypeDiffers { n: string; list: string[]; o?: { a: string } }",
      "interface OptionalDiffers { n: number; list: string[]; o: { a: string } }",
      "interface NestedDiffers { n: number; list: string[]; o?: { a?: string } }",
      "interface Agrees { n: number; list: string[]; o?: { a: string } }",
      "export const ok1 = (x: Loose<Ours>): Loose<Agrees> => x;",
      "export const ok2 = (x: Loose<Agrees>): Loose<Ours> => x;",
      "export const bad1 = (x: Loose<TypeDiffers>): Loose<Ours> => x;",
      "export const bad2 = (x: Loose<Ours>): Loose<OptionalDiffers> => x;",
      "export const bad3 = (x: Loose<NestedDiffers>): Loose<Ours> => x;",
    ].join("\n"),
  );
  const lines = project.getPreEmitDiagnostics().map((d) => d.getLineNumber());
  assert.equal(lines, [10, 11, 12], "the three that differ, and only those");
});

// ---------------------------------------------------------------------------------------------
// What the document says.

const SHOWCASE = readFileSync(join(REPO_ROOT, "fixtures/showcase/krakend.json"), "utf8");

test("showcase: channels per exchange and key template, AMQP bindings 0.3.0, one send operation per route", async () => {
  const { doc } = await documentOf(SHOWCASE);
  assert.is(doc.asyncapi, "3.0.0");
  assert.is(doc.info.title, "amqp-gen showcase");
  assert.match(doc.info.version, /^[0-9a-f]{12}$/);
  assert.equal(doc.servers, {
    broker: { host: "127.0.0.1:5672", protocol: "amqp", description: "RabbitMQ. Credentials are not part of the contract: ask the service's operators." },
  });
  const orders = doc.channels["amqpgen.showcase.orders.by-region"];
  assert.is(orders.address, "{region}");
  assert.equal(Object.keys(orders.parameters), ["region"]);
  assert.equal(orders.bindings.amqp, {
    is: "routingKey",
    exchange: { name: "amqpgen.showcase.orders", type: "topic", durable: true, autoDelete: false, vhost: "/" },
    bindingVersion: "0.3.0",
  });
  assert.is(doc.channels["amqpgen.showcase.orders.orders.cancelled"].address, "orders.cancelled");
  const post = doc.operations.postOrdersRegionId;
  assert.is(post.action, "send");
  assert.equal(post.channel, { $ref: "#/channels/amqpgen.showcase.orders.by-region" });
  assert.equal(post.bindings.amqp, { deliveryMode: 2, mandatory: true, timestamp: true, bindingVersion: "0.3.0" });
  assert.equal(post["x-http"], { method: "POST", path: "/orders/{region}/{id}" });
  assert.is(doc.operations.putEventsKind.bindings.amqp.deliveryMode, 1, "a transient exchange: delivery mode 1");
  assert.not.ok(doc.components.messages.PutEventsKindMessage["x-amqp-properties"].required.includes("deliveryMode"), "absent on a transient message");
  assert.equal(Object.keys(doc.operations).sort(), ["deleteOrdersRegionId", "getPingRoute", "postOrdersRegionId", "postProduceABIdPrioRoute", "putEventsKind"]);

  const message = doc.components.messages.PostOrdersRegionIdMessage;
  assert.is(message.contentType, "application/json");
  assert.equal(message.payload, { $ref: "#/components/schemas/PostOrdersRegionIdBody" });
  assert.equal(message.headers.required, ["X-Forwarded-For", "X-Forwarded-Host", "User-Agent"]);
  assert.equal(Object.keys(message.headers.properties), ["Content-Type", "X-Request-Id", "X-Forwarded-For", "X-Forwarded-Host", "User-Agent"]);
  assert.equal(message.headers.properties["X-Request-Id"].type, "array");
  assert.equal(message.headers.additionalProperties.type, "string", "only trace context beyond the listed headers");
  assert.equal(message["x-amqp-properties"].required, ["deliveryMode", "timestamp", "messageId"]);
  assert.is(message["x-amqp-properties"].properties.messageId["x-path-param"], "id");

  const produce = doc.components.messages.PostProduceABIdPrioRouteMessage["x-amqp-properties"];
  assert.equal(produce.required, ["deliveryMode", "timestamp", "messageId", "priority", "expiration", "replyTo"]);
  assert.equal(
    ["messageId", "priority", "expiration", "replyTo"].map((p) => produce.properties[p]["x-path-param"]),
    ["id", "prio", "a", "b"],
  );
});

test("request-reply: the operation's reply, on a channel with a null address, and the responder's obligations", async () => {
  const { doc } = await documentOf(readFileSync(join(REPO_ROOT, "examples/request-reply/krakend.json"), "utf8"));
  const replying = Object.entries(doc.operations as Record<string, Doc>).filter(([, op]) => op.reply);
  assert.ok(replying.length > 0);
  for (const [id, op] of replying) {
    assert.equal(op.reply.address.location, "$message.header#/replyTo");
    const channel = doc.channels[(op.reply.channel.$ref as string).replace("#/channels/", "")];
    assert.is(channel.address, null, `${id}: the reply channel has no address of its own`);
    assert.is(channel.bindings.amqp.exchange.type, "default");
    assert.match(op.description, /default exchange/);
    assert.match(op.description, /correlation_id/);
    const message = doc.components.messages[(op.messages[0].$ref as string).split("/").pop() as string];
    const properties = message["x-amqp-properties"];
    assert.equal(properties.properties.replyTo.pattern, "^amq\\.rabbitmq\\.reply-to");
    assert.ok(properties.required.includes("correlationId"));
  }
});

test("headers: input_headers [*] allows any forwarded header; a forwarded User-Agent adds X-Forwarded-Via; propagated JWT claims are required", async () => {
  const { doc } = await documentOf(readFileSync(join(REPO_ROOT, "fixtures/exchange-types/krakend.json"), "utf8"));
  const broadcast = doc.components.messages.PostBroadcastMessage.headers;
  assert.equal(broadcast.additionalProperties.anyOf[0], { type: "array", items: { type: "string" } });
  assert.ok(broadcast.properties["X-Forwarded-Via"]);
  const audit = doc.components.messages.PutAuditIdMessage.headers;
  assert.equal(Object.keys(audit.properties), ["X-Audit-Source", "User-Agent", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Via"]);
  assert.is(audit.properties["User-Agent"].maxItems, undefined, "the client's User-Agent may have several lines");
  assert.equal(doc.channels["amqpgen.types.headers.audit"].bindings.amqp.exchange.type, "headers");
  assert.equal(doc.channels["amqpgen.types.headers.audit"]["x-amqp-queues"], [
    { name: "amqpgen.types.audit", durable: true, bindingKey: "", arguments: { "x-dead-letter-exchange": "amqpgen.types.dead" }, declaredByProducer: true },
  ]);
});

test("headers: a propagated claim is required when its header is forwarded, and absent when it is not (AG241)", async () => {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, "fixtures/jwt/krakend.json"), "utf8"));
  const headersOf = async (text: string) => {
    const { doc } = await documentOf(text);
    const message = doc.components.messages.PostOrdersIdMessage;
    return { required: message.headers.required as string[], names: Object.keys(message.headers.properties) };
  };
  const forwarded = await headersOf(JSON.stringify(config));
  assert.equal(forwarded.required, ["X-User", "X-Tenant", "X-Forwarded-For", "X-Forwarded-Host", "User-Agent"]);
  config.endpoints[0].input_headers = ["Content-Type", "X-User"];
  const one = await headersOf(JSON.stringify(config));
  assert.equal(one.required, ["X-User", "X-Forwarded-For", "X-Forwarded-Host", "User-Agent"]);
  assert.not.ok(one.names.includes("X-Tenant"), "not written, so not in the contract");
  config.endpoints[0].extra_config["auth/validator"].propagate_claims_preserve_array = true;
  const { doc } = await documentOf(JSON.stringify(config));
  assert.equal(doc.components.messages.PostOrdersIdMessage.headers.properties["X-User"].minItems, undefined, "an empty list claim is an empty array");
});

test("channels: exchanges of the same name on two brokers, or declared alike, are apart; reply channel ids never take an exchange's", async () => {
  const producer = (name: string, exchange: string, key: string, extra: object = {}) => ({
    host: ["amqp://127.0.0.1:5672"],
    disable_host_sanitize: true,
    extra_config: { "backend/amqp/producer": { name, exchange, routing_key: key, static_routing_key: true, ...extra } },
  });
  const config = {
    version: 3,
    endpoints: [
      { endpoint: "/a", method: "POST", backend: [producer("qa", "shared", "k")] },
      { endpoint: "/b", method: "POST", backend: [{ ...producer("qb", "shared", "k"), host: ["amqp://other-broker:5672/vh2"] }] },
      { endpoint: "/c", method: "POST", backend: [producer("qc", "postQuote", "reply")] },
      { endpoint: "/quote", method: "POST", backend: [producer("quotes", "quotes", "quote", { "@amqp-gen": { reply: { timeout: "2s" } } })] },
    ],
  };
  const { text, doc } = await documentOf(JSON.stringify(config));
  assert.equal(await problems(text), []);
  const shared = Object.values(doc.channels as Record<string, Doc>).filter((ch) => ch.bindings.amqp.exchange.name === "shared");
  assert.is(shared.length, 2, "one channel per broker");
  assert.equal(shared.map((ch) => ch.bindings.amqp.exchange.vhost).sort(), ["/", "vh2"]);
  assert.equal(
    shared.map((ch) => ch.servers.length),
    [1, 1],
  );
  const ids = Object.keys(doc.channels);
  assert.is(new Set(ids).size, ids.length);
  assert.ok(ids.some((id) => id.startsWith("postQuote.reply")) && ids.filter((id) => id.startsWith("postQuote.reply")).length === 2, ids.join(" "));
  assert.is(doc.operations.postQuote.reply.channel.$ref.replace("#/channels/", "") in doc.channels, true);
  assert.is(doc.channels[doc.operations.postQuote.reply.channel.$ref.replace("#/channels/", "")].address, null);
});

test("body schemas: local references rewritten into the document, draft-04 bounds made draft-07, $schema left out", async () => {
  const { doc } = await documentOf(readFileSync(join(REPO_ROOT, "fixtures/exchange-types/krakend.json"), "utf8"));
  const body = doc.components.schemas.PostTasksQueueBody;
  assert.is(body.$schema, undefined);
  assert.equal(body.properties.task, { $ref: "#/components/schemas/PostTasksQueueBody/definitions/task" });
  assert.equal(body.properties.attempt, { type: "integer", exclusiveMinimum: 0 });
});

test("body schemas: a container a reference points into is kept; keywords beside a $ref are not carried, as the producer ignores them", async () => {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, "fixtures/exchange-types/krakend.json"), "utf8"));
  config.endpoints[0].extra_config["validation/json-schema"] = {
    $ref: "#/definitions/body",
    definitions: { body: { type: "object", properties: { n: { $ref: "#/schemas/number", type: "string", description: "kept" } } } },
    schemas: { number: { type: "integer" }, unused: { type: "string" } },
  };
  const result = await generate(JSON.stringify(config, null, 2));
  const doc = JSON.parse(result.files.find((f) => f.path === "asyncapi.json")?.content ?? "{}") as Doc;
  const body = doc.components.schemas.PostTasksQueueBody;
  assert.equal(body, {
    $ref: "#/components/schemas/PostTasksQueueBody/definitions/body",
    definitions: { body: { type: "object", properties: { n: { $ref: "#/components/schemas/PostTasksQueueBody/schemas/number", description: "kept" } } } },
    schemas: { number: { type: "integer" } },
  });
  assert.equal(await problems(JSON.stringify(doc)), [], "every reference resolves");
});

test("a body schema that does not compile (AG225) is not validated: the contract has no payload for it, the consumer reads bytes", async () => {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, "fixtures/exchange-types/krakend.json"), "utf8"));
  config.endpoints[0].extra_config["validation/json-schema"] = { type: "strin" };
  const result = await generate(JSON.stringify(config), { consumers: true });
  assert.ok(result.diagnostics.some((d) => d.code === "AG225"));
  const files = new Map(result.files.map((f) => [f.path, f.content]));
  const doc = JSON.parse(files.get("asyncapi.json") ?? "{}") as Doc;
  assert.is(doc.components.messages.PostTasksQueueMessage.payload, undefined);
  assert.is(doc.components.schemas, undefined);
  assert.equal(await problems(files.get("asyncapi.json") ?? ""), []);
  assert.not.match(files.get("consumers/post-tasks-queue.ts") ?? "", /\.body\.js/);
  assert.match(files.get("consumers/post-tasks-queue.ts") ?? "", /DecodedMessage<Buffer, PostTasksQueueHeaders>/);
});

test("a body keyword AsyncAPI cannot carry is warning AG253 at its place; one the producer does not enforce stays AG222 alone", async () => {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, "fixtures/exchange-types/krakend.json"), "utf8"));
  const schema = config.endpoints[0].extra_config["validation/json-schema"];
  schema.definitions.task.$anchor = "task";
  schema.prefixItems = [{ type: "string" }];
  const text = JSON.stringify(config, null, 2);
  const result = await generate(text);
  const codes = result.diagnostics.filter((d) => d.code === "AG253" || d.code === "AG222").map((d) => `${d.code} ${d.pointer} ${d.line}`);
  const line = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  assert.equal(codes, [
    `AG253 /endpoints/0/extra_config/validation~1json-schema/definitions/task/$anchor ${line('"$anchor"')}`,
    `AG222 /endpoints/0/extra_config/validation~1json-schema/prefixItems ${line('"prefixItems"')}`,
  ]);
  const doc = JSON.parse(result.files.find((f) => f.path === "asyncapi.json")?.content ?? "{}");
  assert.is(doc.components.schemas.PostTasksQueueBody.prefixItems, undefined);
  assert.is(doc.components.schemas.PostTasksQueueBody.definitions.task.$anchor, undefined);
});

test("no credential, no path of the machine, no date; the same document whatever the endpoints' order; the version follows the content", async () => {
  const config = JSON.parse(SHOWCASE.replaceAll("amqp://guest:guest@127.0.0.1:5672", "amqp://alice:s3cret@broker.internal:5671/prod?heartbeat=5"));
  const { text } = await documentOf(JSON.stringify(config), { file: "/home/alice/project/krakend.json" });
  assert.not.match(text, /alice|s3cret|heartbeat|\/home\//);
  assert.not.match(text, /20[0-9]{2}-[0-9]{2}-[0-9]{2}/);
  const doc = JSON.parse(text) as Doc;
  assert.equal(doc.servers.broker, {
    host: "broker.internal:5671",
    protocol: "amqp",
    pathname: "/prod",
    description: "RabbitMQ. Credentials are not part of the contract: ask the service's operators.",
  });
  assert.is(doc.channels["amqpgen.showcase.orders.by-region"].bindings.amqp.exchange.vhost, "prod");

  const reversed = { ...config, endpoints: [...config.endpoints].reverse() };
  assert.is((await documentOf(JSON.stringify(reversed))).text, (await documentOf(JSON.stringify(config))).text);
  const changed = structuredClone(config);
  changed.endpoints[0].input_headers.push("X-Tenant");
  assert.is.not((await documentOf(JSON.stringify(changed))).doc.info.version, (await documentOf(JSON.stringify(config))).doc.info.version);
});

test("asyncapi: false writes none; the CLI's --no-asyncapi neither, and --check sees an edited asyncapi.json", async () => {
  const without = await generate(SHOWCASE, { asyncapi: false });
  assert.ok(!without.files.some((f) => f.path === "asyncapi.json"));
  const dir = mkdtempSync(join(tmpdir(), "amqp-gen-asyncapi-"));
  try {
    const cli = (...args: string[]) => {
      try {
        execFileSync(process.execPath, [join(REPO_ROOT, "dist/generator/cli/cli.js"), ...args], { stdio: "pipe" });
        return 0;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    const config = join(dir, "krakend.json");
    writeFileSync(config, SHOWCASE);
    const out = join(dir, "out");
    const bare = join(dir, "bare");
    mkdirSync(bare);
    assert.is(cli(config, "--out", bare, "--no-asyncapi", "-q"), 0);
    assert.throws(() => readFileSync(join(bare, "asyncapi.json")));
    assert.is(cli(config, "--out", out, "-q"), 0);
    assert.is(cli(config, "--out", out, "--check", "-q"), 0);
    writeFileSync(join(out, "asyncapi.json"), readFileSync(join(out, "asyncapi.json"), "utf8").replace('"send"', '"receive"'));
    assert.is(cli(config, "--out", out, "--check", "-q"), 1, "--check: drift in asyncapi.json");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
