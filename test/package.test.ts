// The package as its users get it: `npm pack` of the current build (npm test and npm ci have just
// built it; the test checks that no source is newer than its build), the tarball
// installed into a new ESM service with `npm install`, `npx amqp-gen` there, the output compiled
// by `tsc -p .` with the README's strict tsconfig against every @types/node and TypeScript
// version of the matrix, and the compiled service run against the real RabbitMQ.
//
// The matrix swaps two symlinks in the service's node_modules: `typescript` (this repo's
// `typescript`, 5.9, or `typescript-current`, 7.x) and `@types/node` (the devDependency aliases
// @types/node-20, -22, -24 and -latest), so each cell is the user's own compile, not an in-memory
// program. Installing uses npm's cache first (npm ci has filled it); the registry is asked only
// for what the cache lacks. The broker part is skipped with one line when no RabbitMQ runs,
// unless CI is set.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AMQP_URL, TestBroker, assertMessage, brokerTests, probeBroker, withTimeout } from "./helpers/broker.js";
import { brokerPresent, brokerTurn } from "./helpers/turn.js";
import { STRICT_FLAGS, STRICT_OPTIONS } from "./helpers/user-tsconfig.js";
import { REPO_ROOT } from "./helpers/golden.js";

/** Every child process is bounded; npm's may be slow on a cold cache, tsc 5.9 on a slow machine. */
const NPM_TIMEOUT_MS = 180_000;
const TSC_TIMEOUT_MS = 90_000;
const CLI_TIMEOUT_MS = 30_000;
const SERVICE_TIMEOUT_MS = 10_000;

const REPO_MODULES = join(REPO_ROOT, "node_modules");
const work = mkdtempSync(join(tmpdir(), "amqp-gen-package-"));
const service = join(work, "service");

interface PackageJson {
  version: string;
  bin?: Record<string, string> | string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const OWN = readJson<PackageJson>(join(REPO_ROOT, "package.json"));

/** The version installed in this repo's node_modules/<folder>, or null when it is missing. */
function installedVersion(folder: string): string | null {
  const path = join(REPO_MODULES, folder, "package.json");
  return existsSync(path) ? readJson<PackageJson>(path).version : null;
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface Run {
  status: number | null;
  stdout: string;
  /** stdout and stderr, for assertion messages. */
  output: string;
}

/**
 * The environment of every child: a user's shell, not npm's script environment. Under `npm test`
 * (or `npm exec`) npm sets npm_* variables that describe its own command (npm_config_call makes a
 * nested npx fail with EUSAGE); only those that point npm at the same cache, registry,
 * certificates and proxies are kept. NPM_CONFIG_* (a user's or CI's own) are kept as they are.
 */
const KEEP_NPM = new Set([
  "npm_config_cache",
  "npm_config_registry",
  "npm_config_userconfig",
  "npm_config_globalconfig",
  "npm_config_cafile",
  "npm_config_proxy",
  "npm_config_https_proxy",
  "npm_config_noproxy",
]);
const CHILD_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") || KEEP_NPM.has(name)));

/** What each child process took, printed at the end: the test's cost is mostly theirs. */
const timings: string[] = [];

function run(label: string, command: string, args: readonly string[], cwd: string, timeoutMs: number): Run {
  const started = performance.now();
  const res = spawnSync(command, args, {
    cwd,
    env: CHILD_ENV,
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  // A timeout (ETIMEDOUT) or a missing executable: the command line says which.
  if (res.error) throw new Error(`${command} ${args.join(" ")} (in ${cwd}): ${res.error.message}`);
  timings.push(`${label} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { status: res.status, stdout: res.stdout, output: `${res.stdout}${res.stderr}`.trim() };
}

const children: ChildProcess[] = [];
let broker: TestBroker | null = null;

test.after(async () => {
  console.log(`  ${timings.join(", ")}`);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  if (broker) {
    await broker.remove(QUEUES, EXCHANGES).catch(() => undefined);
    await broker.close();
  }
  rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// 1. The tarball

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}

let tarball = "";
let packed: string[] = [];

/** Repo-relative paths of the files below `dir` (slash-separated, sorted). */
function filesBelow(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(REPO_ROOT.length + 1)
        .split(sep)
        .join("/"),
    )
    .sort();
}

const TOP_LEVEL = new Set(["package.json", "README.md", "LICENSE", "dist", "templates", "schema"]);
/** What a test, fixture, benchmark or scratch file looks like, anywhere in the tarball. */
const NOT_FOR_USERS = /(^|\/)(test|tests|fixtures|bench|examples|scripts|\.tmp|\.ci|node_modules)\/|\.test\.|\.tsbuildinfo$|\.map$/;

test("npm pack: the current build and the files the installed CLI needs, nothing of the tests", () => {
  // --ignore-scripts: `prepare` would build again what npm test has just built.
  const res = run("npm pack", "npm", ["pack", "--ignore-scripts", "--pack-destination", work, "--json", "--no-update-notifier"], REPO_ROOT, NPM_TIMEOUT_MS);
  assert.is(res.status, 0, `npm pack failed:\n${res.output}`);
  let results: PackResult[];
  try {
    results = JSON.parse(res.stdout) as PackResult[];
  } catch {
    throw new Error(`npm pack --json printed no JSON:\n${res.output}`);
  }
  const [result] = results;
  assert.ok(result, res.output);
  tarball = join(work, result.filename);
  assert.ok(existsSync(tarball), `no ${tarball}`);
  packed = result.files.map((f) => f.path).sort();

  // Only the package's own folders; of dist/, only the build of generator/ and of the runtime
  // modules it imports ("files" names just these two, so nothing else built into dist/ ships).
  for (const path of packed) {
    const top = path.split("/")[0] ?? "";
    // generated/ (the showcase's output) is not among them; dist/generator/generated/ is the build.
    assert.ok(TOP_LEVEL.has(top), `the tarball holds ${path}, outside ${[...TOP_LEVEL].join(", ")}`);
    assert.not.match(path, NOT_FOR_USERS, `the tarball holds ${path}, which is no user's business`);
    if (top === "dist") assert.match(path, /^dist\/(generator|templates\/runtime)\//, `dist/ holds ${path}, which the build does not make`);
  }
  // Each built file has its source: a file left from an older build (a module since renamed) is
  // stale. `rm -rf dist && npm run build` clears it.
  for (const path of packed.filter((p) => p.startsWith("dist/"))) {
    const stem = path.slice("dist/".length).replace(/(\.d\.ts|\.js)$/, "");
    assert.ok(
      [".ts", ".js"].some((ext) => existsSync(join(REPO_ROOT, stem + ext))),
      `${path} has no source ${stem}.ts or .js: a stale build (rm -rf dist && npm run build)`,
    );
  }
  const has = new Set(packed);
  for (const needed of ["package.json", "README.md"]) assert.ok(has.has(needed), `no ${needed} in the tarball`);
  // The CLI and the API: every module of the generator, built, with its types.
  const sources = filesBelow("generator").filter((p) => /(?<!\.d)\.(ts|js)$/.test(p));
  assert.ok(sources.length > 10, `generator/ has only ${sources.join(", ")}`);
  for (const source of sources) {
    const built = `dist/${source.replace(/\.ts$/, ".js")}`;
    assert.ok(has.has(built), `${source} is built, but ${built} is not in the tarball`);
    assert.ok(has.has(built.replace(/\.js$/, ".d.ts")), `no types for ${built} in the tarball`);
    assert.ok(
      statSync(join(REPO_ROOT, built)).mtimeMs >= statSync(join(REPO_ROOT, source)).mtimeMs,
      `${source} is newer than ${built}: a stale build (npm run build)`,
    );
  }
  const bin = typeof OWN.bin === "string" ? OWN.bin : OWN.bin?.["amqp-gen"];
  assert.ok(bin && has.has(bin.replace(/^\.\//, "")), `the bin ${bin} is not in the tarball`);
  // What the CLI reads from the package folder at run time: the templates (the runtime among
  // them, copied into every output) and the schemas.
  const assets = [...filesBelow("templates"), ...filesBelow("schema")];
  assert.ok(
    assets.some((p) => p.startsWith("templates/runtime/")),
    "templates/runtime/ is empty",
  );
  for (const asset of assets) assert.ok(has.has(asset), `${asset} is not in the tarball`);
});

// ---------------------------------------------------------------------------------------------
// 2. A new ESM service: the tarball installed, amqp-gen run

/** Unique per run, so that runs on one broker never meet; deleted after. */
const PREFIX = `amqpgen.package.${process.pid}.${Date.now().toString(36)}`;
const Q = (name: string) => `${PREFIX}.${name}`;
const QUEUES = [Q("orders"), Q("events"), Q("pings"), Q("quotes")];
/** Each route's exchange has its queue's name. */
const EXCHANGES = QUEUES;

const BACKEND = { host: ["amqp://guest:guest@127.0.0.1:5672"], disable_host_sanitize: true };
const producer = (fields: Record<string, unknown>) => ({
  ...BACKEND,
  extra_config: { "backend/amqp/producer": { backoff_strategy: "exponential-jitter", ...fields } },
});

/** A small config with what changes the generated code: a body schema, params, headers, a static key, a JWT check. */
const CONFIG = {
  version: 3,
  name: "package test",
  timeout: "3s",
  // runtime/httpsecure.ts and runtime/cors.ts, the service-wide optional modules, compiled with the rest.
  extra_config: {
    "security/http": { content_type_nosniff: true, frame_deny: true },
    "security/cors": { allow_origins: ["https://app.example.com"], allow_headers: ["Content-Type"] },
  },
  endpoints: [
    {
      endpoint: "/orders/{region}/{id}",
      method: "POST",
      input_headers: ["Content-Type", "X-Request-Id"],
      extra_config: {
        "validation/json-schema": {
          type: "object",
          required: ["sku", "quantity"],
          properties: { sku: { type: "string", minLength: 1 }, quantity: { type: "integer", minimum: 1 } },
          additionalProperties: false,
        },
      },
      backend: [producer({ name: Q("orders"), exchange: Q("orders"), durable: true, routing_key: "Region", msg_id_key: "Id", mandatory: true })],
    },
    {
      endpoint: "/events/{kind}",
      method: "PUT",
      output_encoding: "json-collection",
      backend: [producer({ name: Q("events"), exchange: Q("events"), routing_key: "events.all", static_routing_key: true })],
    },
    {
      endpoint: "/ping/{route}",
      method: "GET",
      output_encoding: "string",
      backend: [producer({ name: Q("pings"), exchange: Q("pings"), routing_key: "Route" })],
    },
    {
      // Every optional runtime module (jwt.ts and its jose import, ratelimit.ts, botdetector.ts), compiled with the rest.
      endpoint: "/secure/{id}",
      method: "POST",
      input_headers: ["Content-Type", "X-User"],
      extra_config: {
        "auth/validator": { alg: "RS256", jwk_url: "https://auth.example.com/.well-known/jwks.json", roles: ["writer"], propagate_claims: [["sub", "X-User"]] },
        "qos/ratelimit/router": { max_rate: 100, client_max_rate: 10, strategy: "ip" },
        "security/bot-detector": { patterns: ["(?i)bot"] },
      },
      backend: [producer({ name: Q("orders"), exchange: Q("orders"), durable: true, routing_key: "Id", msg_id_key: "Id" })],
    },
    {
      // Request-reply: its typed consumer serves it (runtime/serve.ts), compiled with the rest.
      endpoint: "/quote",
      method: "POST",
      backend: [
        producer({ name: Q("quotes"), exchange: Q("quotes"), routing_key: "quote", static_routing_key: true, "@amqp-gen": { reply: { timeout: "2s" } } }),
      ],
    },
  ],
};

/**
 * The README's usage, and both telemetry adapters (the service depends on their libraries):
 * listens once the broker is connected, prints its port, and on SIGTERM shuts down as documented
 * and prints the non-zero published counts Prometheus would scrape.
 */
const SERVER = `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { registerOpenTelemetry } from "./generated/adapters/opentelemetry.js";
import { registerPrometheusMetrics } from "./generated/adapters/prometheus.js";
import { createPublisher, createRequestListener, routes } from "./generated/index.js";

const publisher = createPublisher(); // AMQP_URL
const registry = registerPrometheusMetrics(publisher);
const unregister = registerOpenTelemetry();
await publisher.ready();
const server = createServer({ maxHeaderSize: 64 * 1024 }, createRequestListener(publisher));
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ port, routes: routes.map((route) => \`\${route.method} \${route.path}\`) }));
});
process.on("SIGTERM", async () => {
  server.close();
  await publisher.close();
  unregister();
  const published = (await registry.metrics()).split("\\n").filter((line) => line.startsWith("amqpgen_published_messages_total{") && !line.endsWith(" 0"));
  console.log(JSON.stringify({ published }));
});
`;

/** The dependencies a user's service has for the generated code: the versions this repo tests. */
function serviceDependencies(): Record<string, string> {
  const wanted = {
    amqplib: OWN.dependencies?.["amqplib"],
    "@opentelemetry/api": OWN.devDependencies?.["@opentelemetry/api"],
    "prom-client": OWN.devDependencies?.["prom-client"],
    jose: OWN.devDependencies?.["jose"],
  };
  const deps: Record<string, string> = {};
  for (const [name, range] of Object.entries(wanted)) {
    assert.ok(range, `package.json lists no ${name}`);
    deps[name] = range;
  }
  return deps;
}

test("npm install <tarball> in a new ESM service, then npx amqp-gen: the current runtime, the adapters", () => {
  assert.ok(tarball, "no tarball: npm pack failed");
  mkdirSync(join(service, "src"), { recursive: true });
  const manifest = { name: "user-service", private: true, type: "module", dependencies: serviceDependencies() };
  writeFileSync(join(service, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const install = run(
    "npm install",
    "npm",
    ["install", "-D", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--no-update-notifier"],
    service,
    NPM_TIMEOUT_MS,
  );
  assert.is(install.status, 0, `npm install failed:\n${install.output}`);

  // What npm unpacked is what pack listed.
  const installed = join(service, "node_modules", "amqp-gen");
  const unpacked = readdirSync(installed, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(installed.length + 1)
        .split(sep)
        .join("/"),
    )
    .sort();
  assert.equal(unpacked, packed, "the installed package differs from the packed list");
  // The user's own typescript and @types/node come with the matrix, not with amqp-gen.
  for (const own of ["typescript", "@types/node"]) assert.not.ok(existsSync(join(service, "node_modules", own)), `amqp-gen brought ${own} into the service`);

  writeFileSync(join(service, "krakend.json"), `${JSON.stringify(CONFIG, null, 2)}\n`);
  const gen = run(
    "npx amqp-gen",
    "npx",
    ["--no", "amqp-gen", "krakend.json", "--out", "src/generated", "--consumers", "--adapter", "opentelemetry", "prometheus"],
    service,
    CLI_TIMEOUT_MS,
  );
  assert.is(gen.status, 0, `npx amqp-gen failed:\n${gen.output}`);
  const out = join(service, "src", "generated");
  for (const file of [
    "index.ts",
    "asyncapi.json",
    "consumers/post-orders-region-id.ts",
    "adapters/opentelemetry.ts",
    "adapters/prometheus.ts",
    "routes/post-orders-region-id.body.ts",
  ]) {
    assert.ok(existsSync(join(out, file)), `no src/generated/${file}:\n${gen.output}`);
  }
  // The runtime is the repo's current source, behind the generated-code header.
  const runtime = filesBelow("templates/runtime");
  for (const source of runtime) {
    const copy = join(out, "runtime", source.slice("templates/runtime/".length));
    assert.ok(existsSync(copy), `no copy of ${source}`);
    assert.ok(readFileSync(copy, "utf8").endsWith(readFileSync(join(REPO_ROOT, source), "utf8")), `${copy} is not ${source}`);
  }
  writeFileSync(join(service, "src", "server.ts"), SERVER);
});

// ---------------------------------------------------------------------------------------------
// 3. The compile matrix

/** The README's "Your service's tsconfig", with every strict flag it lists; no skipLibCheck. */
const TSCONFIG = {
  compilerOptions: {
    module: "nodenext",
    target: "es2022",
    types: ["node"],
    outDir: "dist",
    rootDir: "src",
    ...STRICT_OPTIONS,
  },
  include: ["src"],
};

/** The folders in this repo's node_modules the service's `typescript` and `@types/node` point at. */
const COMPILERS = [
  { folder: "typescript", named: "5.9" },
  { folder: "typescript-current", named: "7" },
];
const NODE_TYPES = [
  { folder: "@types/node-20", named: "20" },
  { folder: "@types/node-22", named: "22" },
  { folder: "@types/node-24", named: "24" },
  { folder: "@types/node-latest", named: "26" },
];
/** Whether `version` is the release line the README names ("5.9" → 5.9.x, "26" → 26.x.y). */
const isLine = (version: string, named: string) => version.startsWith(`${named}.`);
/** "20, 22, 24 and 26", as the README writes a list. */
const prose = (items: readonly string[]) => `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

/** Replaces `link` (a symlink, or a folder a package manager put there) by a symlink to `target`. */
function pointAt(link: string, target: string): void {
  if (isSymlink(link)) unlinkSync(link);
  else rmSync(link, { recursive: true, force: true });
  mkdirSync(join(link, ".."), { recursive: true });
  symlinkSync(target, link, "junction");
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

for (const compiler of COMPILERS) {
  for (const types of NODE_TYPES) {
    const tsVersion = installedVersion(compiler.folder);
    const typesVersion = installedVersion(types.folder);
    test(`tsc -p . with TypeScript ${tsVersion ?? compiler.folder} and @types/node ${typesVersion ?? types.folder}: no diagnostics`, () => {
      assert.ok(tsVersion && typesVersion, `${compiler.folder} or ${types.folder} is not in node_modules: run npm ci`);
      assert.ok(isLine(tsVersion, compiler.named), `${compiler.folder} is ${tsVersion}, not ${compiler.named}`);
      assert.ok(isLine(typesVersion, types.named), `${types.folder} is ${typesVersion}, not ${types.named}`);
      assert.ok(existsSync(join(service, "src", "server.ts")), "no service: the install or amqp-gen failed");
      writeFileSync(join(service, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
      const typescript = join(service, "node_modules", "typescript");
      pointAt(typescript, join(REPO_MODULES, compiler.folder));
      pointAt(join(service, "node_modules", "@types", "node"), join(REPO_MODULES, types.folder));
      assert.is(realpathSync(typescript), realpathSync(join(REPO_MODULES, compiler.folder)));
      const tsc = join(typescript, readJson<{ bin: Record<string, string> }>(join(typescript, "package.json")).bin["tsc"] ?? "bin/tsc");
      rmSync(join(service, "dist"), { recursive: true, force: true });
      const compile = run(`tsc ${tsVersion} × ${typesVersion}`, process.execPath, [tsc, "-p", ".", "--pretty", "false"], service, TSC_TIMEOUT_MS);
      assert.is(compile.output, "", `TypeScript ${tsVersion} with @types/node ${typesVersion} reported:\n${compile.output}`);
      assert.is(compile.status, 0, `tsc exited ${compile.status}`);
      assert.ok(existsSync(join(service, "dist", "server.js")), "tsc emitted no dist/server.js");
    });
  }
}

test("the README's tsconfig section names the flags and the versions compiled with", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = /### Your service's tsconfig\n([\s\S]*?)\n## /.exec(readme)?.[1];
  assert.ok(section, `README.md has no "Your service's tsconfig" section`);
  const flags = /\*\*Strict flags:\*\*([\s\S]*?)with or without/.exec(section)?.[1];
  assert.ok(flags, "the section has no **Strict flags:** item");
  const listed = [...flags.matchAll(/`(\w+)`/g)].map((m) => m[1]);
  assert.equal(listed.sort(), [...STRICT_FLAGS].sort(), "the README's strict flags are not the ones compiled with");
  const matrix = [`TypeScript ${prose(COMPILERS.map((c) => c.named))}`, `@types/node ${prose(NODE_TYPES.map((t) => t.named))}`];
  for (const names of matrix) assert.ok(section.replace(/\s+/g, " ").includes(names), `the section does not say "${names}"`);
});

// ---------------------------------------------------------------------------------------------
// 4. The compiled service on the broker

// Whether to skip is decided now; the broker itself is asked for (brokerTurn) and connected to
// when the test runs: the compiles before it need no broker, and block the event loop (and so
// the AMQP heartbeats) for seconds at a time.
const present = await brokerPresent();
const skipAll = present instanceof Error && !process.env["CI"];
let setupError: Error | null = null;
if (present instanceof Error) {
  if (skipAll) console.log(`SKIPPED: no RabbitMQ at 127.0.0.1:5672 (${present.message}); the compiled service is not run`);
  else setupError = new Error(`no RabbitMQ at 127.0.0.1:5672 and CI is set: ${present.message}`);
}
// The wait for the broker's turn is unbounded (it ends when the files that have the broker to
// themselves are done); the test itself is bounded.
const brokerTest = brokerTests(skipAll, () => setupError, brokerTurn);

/** The service's stdout, line by line, as it comes. */
function lines(child: ChildProcess): { next(): Promise<string>; all(): string } {
  let text = "";
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    wake?.();
    wake = null;
  };
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    text += chunk;
    poke();
  });
  child.stdout?.on("close", () => {
    ended = true;
    poke();
  });
  let taken = 0;
  return {
    all: () => text,
    next: async () => {
      for (;;) {
        const end = text.indexOf("\n", taken);
        if (end >= 0) {
          const line = text.slice(taken, end);
          taken = end + 1;
          return line;
        }
        if (ended) throw new Error(`the service closed its stdout before printing a line: ${text}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}

brokerTest("the compiled service (node dist/server.js) publishes one POST to the queue, then shuts down on SIGTERM", async () => {
  // dist/ is the last cell's emit: TypeScript 7 with the newest @types/node.
  assert.ok(existsSync(join(service, "dist", "server.js")), "no compiled service: the compile matrix failed");
  const model = await probeBroker();
  if (model instanceof Error) throw model;
  broker = await TestBroker.open(model);
  const spawned = performance.now();
  const child = spawn(process.execPath, ["dist/server.js"], { cwd: service, env: { ...CHILD_ENV, AMQP_URL }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const out = lines(child);
  const started = JSON.parse(await withTimeout(out.next(), SERVICE_TIMEOUT_MS, "the service's start")) as { port: number; routes: string[] };
  assert.equal(
    [...started.routes].sort(),
    ["GET /ping/{route}", "POST /orders/{region}/{id}", "POST /quote", "POST /secure/{id}", "PUT /events/{kind}"],
    "the service's routes",
  );

  const body = '{"sku":"A-1","quantity":2}';
  const res = await fetch(`http://127.0.0.1:${started.port}/orders/eu/42`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Request-Id": "req-1", "User-Agent": "package-test/1.0" },
    body,
  });
  assert.is(res.status, 200, `POST answered ${res.status}: ${await res.text()}\n${stderr}`);
  assertMessage(await broker.takeOnly(Q("orders")), {
    exchange: Q("orders"),
    routingKey: "eu",
    body: Buffer.from(body),
    contentType: "application/json",
    persistent: true,
    messageId: "42",
    headers: { "Content-Type": ["application/json"], "X-Request-Id": ["req-1"] },
    host: `127.0.0.1:${started.port}`,
    clientUserAgent: "package-test/1.0",
  });

  // The JWT route with no token: 401, nothing published (jose is loaded and runs in the built service).
  const anonymous = await fetch(`http://127.0.0.1:${started.port}/secure/7`, { method: "POST", body: "{}" });
  assert.is(anonymous.status, 401, `POST /secure answered ${anonymous.status}: ${await anonymous.text()}`);
  assert.is(anonymous.headers.get("www-authenticate"), "Bearer");
  await broker.expectEmpty(Q("orders"));

  child.kill("SIGTERM");
  const code = await withTimeout(exited, SERVICE_TIMEOUT_MS, "the service's shutdown");
  timings.push(`the service ${((performance.now() - spawned) / 1000).toFixed(1)} s`);
  assert.is(code, 0, `the service exited ${code}:\n${stderr}`);
  const last = out.all().trim().split("\n").at(-1) ?? "";
  const { published } = JSON.parse(last) as { published: string[] };
  assert.equal(
    published,
    [
      'amqpgen_published_messages_total{route="POST /orders/{region}/{id}",outcome="published"} 1',
      'amqpgen_published_messages_total{route="POST /secure/{id}",outcome="unauthorized"} 1',
    ],
    `metrics: ${last}`,
  );
  await broker.remove(QUEUES, EXCHANGES);
});

test.run();
