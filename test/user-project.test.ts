// The generated code in a user's project, type-checked by the current TypeScript release (7.x, the
// native compiler: devDependency `typescript-current`, an alias, so that the project's own
// `typescript` 5.9 stays what ts-morph and the build use), run as a child process the way a user
// runs `npx tsc`.
//
// Each case builds a throwaway project in os.tmpdir(): generated/ copied whole into src/generated/
// (every file but the CLI's manifest and .gitattributes), a src/server.ts on the documented API, a
// package.json with "type": "module", a tsconfig.json, and node_modules as a symlink to this
// repo's (so `@types/node`, `amqplib` with its bundled types, and the frameworks resolve as they
// would from the service's own node_modules). The README's "Your service's tsconfig" states what
// these cases pin down. No network; each compile takes a second or two.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix, sep } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GENERATED_DIR, REPO_ROOT } from "./helpers/golden.js";
import { STRICT_OPTIONS } from "./helpers/user-tsconfig.js";

const TIMEOUT_MS = 30_000;
/** Output of the CLI, not code: a user's copy of the folder need not hold them. */
const NOT_CODE = new Set([".amqp-gen-manifest.json", ".gitattributes"]);

// ---------------------------------------------------------------------------------------------
// The compiler: typescript-current's bin, which finds the native executable in the platform
// package (@typescript/typescript-<platform>-<arch>) that npm installed beside it.

const requireHere = createRequire(import.meta.url);
const TS_PACKAGE_JSON = requireHere.resolve("typescript-current/package.json");
const TS_PACKAGE = JSON.parse(readFileSync(TS_PACKAGE_JSON, "utf8")) as { version: string; bin: Record<string, string> };
const TSC_BIN = join(dirname(TS_PACKAGE_JSON), TS_PACKAGE.bin["tsc"] ?? "bin/tsc");

interface Compile {
  status: number | null;
  output: string;
}

function tsc(cwd: string, ...args: string[]): Compile {
  const res = spawnSync(process.execPath, [TSC_BIN, ...args], {
    cwd,
    encoding: "utf8",
    timeout: TIMEOUT_MS,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (res.error) throw res.error;
  return { status: res.status, output: `${res.stdout}${res.stderr}`.trim() };
}

function assertClean(result: Compile, what: string): void {
  assert.is(result.output, "", `${what}: TypeScript ${TS_PACKAGE.version} reported diagnostics:\n${result.output}`);
  assert.is(result.status, 0, `${what}: tsc exited ${result.status}`);
}

// ---------------------------------------------------------------------------------------------
// The user's project.

const projects: string[] = [];
test.after(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

/** Every file below `from`, copied to `to`, but the CLI's own non-code files. */
function copyTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (NOT_CODE.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (entry.isFile()) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, target);
    }
  }
}

function tsFilesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((p) => p.split(sep).join("/"))
    .filter((p) => p.endsWith(".ts"))
    .sort();
}

/**
 * A fixture's expected/ folder leaves out the config-independent runtime, kept once in
 * generated/. Every relative import that has no file in `dir` is taken from generated/ at the same
 * place, until none is missing, so that this holds whatever files the runtime is made of.
 * Returns the files taken.
 */
function addSharedFiles(dir: string): string[] {
  const taken: string[] = [];
  for (;;) {
    const missing = new Set<string>();
    for (const file of tsFilesBelow(dir)) {
      const code = readFileSync(join(dir, file), "utf8").replace(/^\s*\/\/.*$/gm, ""); // not the usage comments
      for (const m of code.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]+)\.js"/g)) {
        const spec = m[1];
        if (spec === undefined) continue;
        const target = posix.normalize(posix.join(posix.dirname(file), `${spec}.ts`));
        if (!existsSync(join(dir, target))) missing.add(target);
      }
    }
    if (missing.size === 0) return taken.sort();
    for (const file of missing) {
      const source = join(GENERATED_DIR, file);
      assert.ok(existsSync(source), `${file} is imported but is in neither the fixture nor generated/`);
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(source, join(dir, file));
      taken.push(file);
    }
  }
}

/** The README's example, plus a look at `routes`. */
const SERVER = `import { createServer } from "node:http";
import { createPublisher, createRequestListener, routes } from "./generated/index.js";

const publisher = createPublisher(); // AMQP_URL, else the config's hosts
const server = createServer({ maxHeaderSize: 64 * 1024 }, createRequestListener(publisher)).listen(8080);
for (const route of routes) console.log(route.method, route.path);
process.on("SIGTERM", async () => {
  server.close();
  await publisher.close();
});
`;

/** The adapters' own usage comments, together in one service. */
const SERVER_WITH_ADAPTERS = `import { createServer } from "node:http";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { createPublisher, createRequestListener, routes } from "./generated/index.js";
import { createExpressRouter } from "./generated/adapters/express.js";
import { amqpGenFastifyPlugin } from "./generated/adapters/fastify.js";
import { createHonoApp } from "./generated/adapters/hono.js";

const publisher = createPublisher();
const server = createServer(createRequestListener(publisher)).listen(8080);
const app = express();
app.use("/amqp", createExpressRouter(publisher, { maxBodyBytes: 1024 * 1024 }));
const fastify = Fastify();
await fastify.register(amqpGenFastifyPlugin, { publisher, prefix: "/amqp" });
const hono = new Hono();
hono.route("/amqp", createHonoApp(publisher, { fallthrough: true }));
for (const route of routes) console.log(route.method, route.path);
process.on("SIGTERM", async () => {
  server.close();
  await fastify.close();
  await publisher.close();
});
`;

interface ProjectOptions {
  /** The folder copied to src/generated/; generated/ by default. */
  generated?: string;
  server?: string;
  /** compilerOptions of tsconfig.json; none written when null (the case writes its own). */
  compilerOptions: Record<string, unknown> | null;
}

function userProject(options: ProjectOptions): string {
  const dir = mkdtempSync(join(tmpdir(), "amqp-gen-user-"));
  projects.push(dir);
  const generated = join(dir, "src", "generated");
  copyTree(options.generated ?? GENERATED_DIR, generated);
  assert.ok(existsSync(join(generated, "index.ts")), "the copied folder has no index.ts");
  writeFileSync(join(dir, "src", "server.ts"), options.server ?? SERVER);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "user-service", private: true, type: "module" }, null, 2)}\n`);
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "junction");
  if (options.compilerOptions) {
    const tsconfig = { compilerOptions: options.compilerOptions, include: ["src"] };
    writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  }
  return dir;
}

/** What a user of TypeScript 7 writes: strict, Node's ESM resolution, Node's types. */
const BASE = {
  strict: true,
  module: "nodenext",
  target: "es2022",
  types: ["node"],
  noEmit: true,
} as const;

/** The stricter flags users turn on: the README's list. */
const STRICTER = STRICT_OPTIONS;

// ---------------------------------------------------------------------------------------------

test(`the compiler: TypeScript 7, the native executable from npm`, () => {
  assert.match(TS_PACKAGE.version, /^7\./, "typescript-current is not TypeScript 7");
  const version = tsc(REPO_ROOT, "--version");
  assert.is(version.status, 0, version.output);
  assert.is(version.output, `Version ${TS_PACKAGE.version}`);
  const platform = `@typescript/typescript-${process.platform}-${process.arch}`;
  const native = join(dirname(createRequire(TS_PACKAGE_JSON).resolve(`${platform}/package.json`)), "lib", "tsc");
  assert.ok(existsSync(native) || existsSync(`${native}.exe`), `no native tsc in ${platform}`);
});

test(`generated/ in a user's project: strict, nodenext, types ["node"]: no diagnostic`, () => {
  const dir = userProject({ compilerOptions: BASE });
  const files = tsFilesBelow(join(dir, "src"));
  assert.ok(files.includes("server.ts") && files.length > 3, `only ${files.join(", ")}`);
  assertClean(tsc(dir, "-p", ".", "--pretty", "false"), "generated/");
});

test(`without "types": ["node"] TypeScript 7 finds no Node types: node:http, Buffer, process`, () => {
  // TypeScript 6 and later default `types` to []: @types/node in node_modules is not picked up.
  const { types: _types, ...withoutTypes } = BASE;
  const dir = userProject({ compilerOptions: withoutTypes });
  const result = tsc(dir, "-p", ".", "--pretty", "false");
  assert.is.not(result.status, 0, `tsc passed without Node's types:\n${result.output}`);
  const errors = result.output.split("\n").filter((line) => /error TS\d+/.test(line));
  assert.ok(errors.length > 0, result.output);
  // In the sources, and in amqplib's own .d.ts (which use Buffer, events and tls unreferenced).
  for (const line of errors) {
    assert.ok(line.startsWith("src/") || line.includes("node_modules/amqplib/"), `an error elsewhere: ${line}`);
  }
  for (const name of ["node:http", "Buffer", "process"]) {
    assert.ok(
      result.output.includes(`error TS2591: Cannot find name '${name}'. Do you need to install type definitions for node?`),
      `no TS2591 for '${name}':\n${result.output}`,
    );
  }
  assert.ok(result.output.includes("add 'node' to the types field in your tsconfig"), result.output);
  assert.ok(
    errors.some((line) => line.startsWith("src/server.ts(")),
    "the user's own node:http import is not reported",
  );
  // skipLibCheck hides amqplib's errors, not the generated code's.
  const skipping = tsc(dir, "-p", ".", "--pretty", "false", "--skipLibCheck");
  assert.is.not(skipping.status, 0, skipping.output);
  assert.not.ok(skipping.output.includes("node_modules/amqplib/"), skipping.output);
  assert.ok(skipping.output.includes("src/generated/index.ts(") && skipping.output.includes("Cannot find name 'node:http'"), skipping.output);
});

test("the stricter flags too, built to dist/ (rootDir set, as TypeScript 6+ wants with outDir); the output loads in Node", () => {
  const { noEmit: _noEmit, ...emitting } = BASE;
  const dir = userProject({ compilerOptions: { ...emitting, ...STRICTER, outDir: "dist", rootDir: "src" } });
  const noRootDir = { compilerOptions: { ...emitting, ...STRICTER, outDir: "dist-no-rootdir" }, include: ["src"] };
  writeFileSync(join(dir, "tsconfig.no-rootdir.json"), JSON.stringify(noRootDir));
  const withoutRootDir = tsc(dir, "-p", "tsconfig.no-rootdir.json", "--pretty", "false");
  assert.is.not(withoutRootDir.status, 0, withoutRootDir.output);
  assert.ok(withoutRootDir.output.includes("error TS5011"), withoutRootDir.output);
  assertClean(tsc(dir, "-p", ".", "--pretty", "false"), "generated/ with the stricter flags");
  for (const file of tsFilesBelow(join(dir, "src"))) {
    assert.ok(existsSync(join(dir, "dist", file.replace(/\.ts$/, ".js"))), `dist/ has no ${file.replace(/\.ts$/, ".js")}`);
  }
  // The emitted ESM imports as is (amqplib through the project's node_modules); no broker needed.
  const probe = `import { routes, matchRequest } from "./dist/generated/index.js";
const first = routes[0];
const match = matchRequest(first.method, first.path.replace(/\\{[^}]+\\}/g, "x"));
console.log(JSON.stringify({ routes: routes.length, matched: "route" in match }));`;
  const res = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: dir, encoding: "utf8", timeout: TIMEOUT_MS });
  assert.is(res.status, 0, res.stderr);
  const seen = JSON.parse(res.stdout) as { routes: number; matched: boolean };
  assert.ok(seen.routes > 0, res.stdout);
  assert.ok(seen.matched, `the first route does not match its own path: ${res.stdout}`);
});

test(`module "preserve" with moduleResolution "bundler" (a bundler, tsx, Vite): no diagnostic`, () => {
  const dir = userProject({ compilerOptions: { ...BASE, ...STRICTER, module: "preserve", moduleResolution: "bundler" } });
  assertClean(tsc(dir, "-p", ".", "--pretty", "false"), "generated/ with bundler resolution");
});

test(`the tsconfig.json that TypeScript 7's \`tsc --init\` writes: fails as written ("types": []), passes with ["node"]`, () => {
  const dir = userProject({ compilerOptions: null });
  const init = tsc(dir, "--init");
  assert.is(init.status, 0, init.output);
  const written = readFileSync(join(dir, "tsconfig.json"), "utf8");
  assert.match(written, /^\s*"types": \[\],?$/m, `tsc --init no longer writes "types": []:\n${written}`);
  // It sets strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, verbatimModuleSyntax,
  // isolatedModules and module nodenext; it has no outDir, so the checks here emit nothing.
  for (const option of ["strict", "noUncheckedIndexedAccess", "exactOptionalPropertyTypes", "verbatimModuleSyntax", "isolatedModules"]) {
    assert.match(written, new RegExp(`^\\s*"${option}": true`, "m"), `tsc --init no longer sets ${option}`);
  }
  const asWritten = tsc(dir, "-p", ".", "--noEmit", "--pretty", "false");
  assert.is.not(asWritten.status, 0, asWritten.output);
  assert.ok(asWritten.output.includes("error TS2591: Cannot find name 'node:http'"), asWritten.output);
  writeFileSync(join(dir, "tsconfig.json"), written.replace(/^(\s*"types": )\[\]/m, '$1["node"]'));
  assertClean(tsc(dir, "-p", ".", "--noEmit", "--pretty", "false"), 'tsc --init\'s tsconfig with types ["node"]');
});

test("fixtures/adapters/expected (express, fastify, hono) with the shared runtime from generated/: no diagnostic", () => {
  const dir = userProject({
    generated: join(REPO_ROOT, "fixtures", "adapters", "expected"),
    server: SERVER_WITH_ADAPTERS,
    compilerOptions: { ...BASE, ...STRICTER },
  });
  const generated = join(dir, "src", "generated");
  const taken = addSharedFiles(generated);
  assert.ok(taken.length > 0, "the fixture imports nothing from generated/: is its runtime no longer shared?");
  for (const file of ["adapters/express.ts", "adapters/fastify.ts", "adapters/hono.ts"]) {
    assert.ok(existsSync(join(generated, file)), `fixtures/adapters/expected/${file} is missing`);
  }
  assertClean(tsc(dir, "-p", ".", "--pretty", "false"), `fixtures/adapters/expected + ${taken.join(", ")} from generated/`);
});

test.run();
