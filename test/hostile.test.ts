// Issue 5, "Hostile input", the generator half: nothing in krakend.json can break out of the
// generated code, crash the generator, or leak a credential.
//
//  1. an injection corpus put into every position that reaches generated code; each result is
//     either error diagnostics and no file, or files that type-check strictly (one ts-morph
//     program for all of them), execute nothing when imported, and round-trip every value;
//  2. property-based fuzzing of whole configs with fast-check (fixed seed, bounded here; the long
//     run is `npm run fuzz`);
//  3. file names; 4. determinism and purity; 5. secrets; 6. big and odd inputs.
//
// Every check applies in full: nothing is set aside. Regression tests for the hostile-input
// findings fixed in the generator sit beside the broad tests they sharpen, each with a one-line
// comment saying what it guards.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { generate, type GenerateResult } from "../generator/index.js";
import * as H from "./helpers/hostile.js";

const FILE = "krakend.json";
const PRODUCER_FIELDS = Object.keys(
  (JSON.parse(readFileSync(join(H.ROOT, "schema", "amqp-producer.schema.json"), "utf8")) as { properties: Record<string, unknown> }).properties,
);
const T0 = performance.now();
const elapsed = () => `${((performance.now() - T0) / 1000).toFixed(1)} s`;

async function gen(value: H.JsonObject | string): Promise<{ result: GenerateResult; text: string }> {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return { result: await generate(text, { file: FILE }), text };
}

const errorCodes = (r: GenerateResult) => r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
const codes = (r: GenerateResult) => r.diagnostics.map((d) => d.code);

// ---------------------------------------------------------------------------------------------
// 1. The injection corpus in every position
// ---------------------------------------------------------------------------------------------

type Check = (mod: H.HostileModule) => void;

interface CorpusCase {
  label: string;
  config: H.JsonObject;
  /** "files": must generate; "error": must be rejected with these codes; "either": both are fine. */
  expect: "files" | { error: string[] } | "either";
  /** Codes that must be among the diagnostics (warnings) when it generates. */
  warnings?: string[];
  /** Assertions on the imported module. */
  check?: Check;
  /** Passwords that must appear in no file and no diagnostic. */
  secrets?: string[];
}

/** Whether V8 can compile and run a pattern on one-byte and two-byte strings alike. */
function usablePattern(pattern: string): boolean {
  try {
    const re = new RegExp(pattern, "u");
    re.test("");
    re.test("\u2028");
    return true;
  } catch {
    return false;
  }
}

const find = (mod: H.HostileModule, path: string, method = "POST"): H.HostileRoute => {
  const route = mod.routes.find((r) => r.path === path && r.method === method);
  if (!route) throw new Error(`no route ${method} ${JSON.stringify(path).slice(0, 100)} among ${mod.routes.length}`);
  return route;
};

function eq(actual: unknown, expected: unknown, what: string): void {
  assert.ok(
    Object.is(actual, expected) || JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: got ${JSON.stringify(actual)?.slice(0, 200)}, want ${JSON.stringify(expected)?.slice(0, 200)}`,
  );
}

const okBody = (route: H.HostileRoute, body: unknown, want: boolean, what: string) => {
  const validate = route.validateBody;
  assert.ok(validate, `${what}: the route has no body validator`);
  const error = validate(body);
  assert.ok(
    (error === null) === want,
    `${what}: validateBody(${JSON.stringify(body)?.slice(0, 120)}) = ${JSON.stringify(error)}, expected ${want ? "accepted" : "rejected"}`,
  );
};

function prepared(route: H.HostileRoute, segments: readonly string[]): { routingKey: string; options: Record<string, unknown> } {
  const out = route.prepare(segments, H.fakeRequest());
  assert.ok("routingKey" in out, `prepare() refused the request: ${JSON.stringify(out)}`);
  return out;
}

const MARK = (i: number, where: string) => `S3cr3t${where}${i}Zq`;
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
const enc = (s: string) => encodeURIComponent(wellFormed(s));
/**
 * What the generated `brokers` must hold for a host: the URL without its user and password, or
 * null (AG211) when it is not an amqp(s) URL with a host, or when credentials spill out of the
 * authority (a raw "/", "?" or "#" before the "@" puts the password in the path, query or fragment).
 */
function stripped(host: string): string | null {
  try {
    const url = new URL(host);
    if ((url.protocol !== "amqp:" && url.protocol !== "amqps:") || !url.hostname) return null;
    if (`${url.pathname}${url.search}${url.hash}`.includes("@")) return null;
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return null;
  }
}

function corpusCases(h: H.Hostile, i: number): CorpusCase[] {
  const s = h.value;
  const cases: CorpusCase[] = [];
  const add = (position: string, c: Omit<CorpusCase, "label">) => cases.push({ label: `${position} ← ${h.name}`, ...c });

  // Static path segments: text with "{", "}" or "*" is AG210, anything else is the path, exactly.
  const path = "/seg/" + s;
  add("endpoint path", {
    config: H.config([H.endpoint({ endpoint: path })]),
    expect: /[{}*]/.test(s) ? { error: ["AG210"] } : "files",
    check: (mod) => eq(find(mod, path).path, path, "path"),
  });

  // Param names: only [a-zA-Z0-9_-]+; the param's value becomes the routing key.
  const paramPath = `/p/{${s}}`;
  add("param name", {
    config: H.config([
      H.endpoint({ endpoint: paramPath, producer: H.producer({ routing_key: H.krakendKey(s), static_routing_key: false, msg_id_key: H.krakendKey(s) }) }),
    ]),
    expect: H.PARAM_NAME.test(s) ? "files" : { error: ["AG210"] },
    check: (mod) => {
      const route = find(mod, paramPath);
      eq(route.params, [{ name: s, key: H.krakendKey(s), segment: 1 }], "params");
      eq(route.routingKey, { kind: "param", param: H.krakendKey(s) }, "routingKey");
      const value = `v "'\`\${x}\u2028${s}`;
      const out = prepared(route, ["p", value]);
      eq(out.routingKey, value, "the routing key read from the param");
      eq(out.options["messageId"], value, "the message id read from the param");
    },
  });

  // Exchange, queue, literal routing key and input_headers in one route; the body-schema
  // positions in the routes beside it (none of them can be an error, so one config holds them).
  const exchange = s === "" ? "x" : s;
  const headers = s === "*" ? "*" : [...new Set([H.canonicalHeader(s), "Content-Type"])];
  const schemas: [string, H.JsonObject, Check][] = [
    [
      "/body/property",
      { type: "object", properties: H.own([[s, { type: "string" }]]), required: [s], additionalProperties: false },
      (mod) => {
        const route = find(mod, "/body/property");
        okBody(route, H.own([[s, "v"]]), true, "property name");
        okBody(route, {}, false, "required property missing");
        okBody(route, H.own([[s, 1]]), false, "property of the wrong type");
        okBody(
          route,
          H.own([
            [s, "v"],
            [s + "\u0001", "w"],
          ]),
          false,
          "additional property",
        );
      },
    ],
    [
      "/body/enum",
      { type: "object", properties: { a: { enum: [s, 7] } }, required: ["a"] },
      (mod) => {
        const route = find(mod, "/body/enum");
        okBody(route, { a: s }, true, "enum value");
        okBody(route, { a: 7 }, true, "enum value 7");
        okBody(route, { a: s + "x" }, false, "not an enum value");
        okBody(route, { a: "x" + s }, false, "not an enum value");
      },
    ],
    [
      "/body/const",
      { type: "object", properties: { a: { const: s } }, required: ["a"] },
      (mod) => {
        const route = find(mod, "/body/const");
        okBody(route, { a: s }, true, "const value");
        okBody(route, { a: s + "\u2028" }, false, "not the const value");
        okBody(route, { a: 1 }, false, "not the const value");
      },
    ],
    [
      "/body/pattern",
      { type: "object", properties: { a: { type: "string", pattern: H.exactPattern(s) } }, required: ["a"] },
      (mod) => {
        const route = find(mod, "/body/pattern");
        okBody(route, { a: s }, true, "exact pattern");
        // A pattern V8 cannot run (too large) is AG222 and not enforced: only a usable one rejects.
        if (usablePattern(H.exactPattern(s))) okBody(route, { a: s + "!" }, false, "exact pattern, longer");
        okBody(route, { a: 1 }, false, "not a string");
      },
    ],
    [
      "/body/annotations",
      {
        type: "object",
        title: s,
        description: s,
        $comment: s,
        properties: {
          a: { type: "string", title: s, description: s, default: s, examples: [s] },
          b: { type: "object", title: s, description: s, properties: { c: { type: "integer", title: s } } },
        },
        required: ["a"],
      },
      (mod) => {
        const route = find(mod, "/body/annotations");
        okBody(route, { a: "x", b: { c: 1 } }, true, "annotations only");
        okBody(route, { a: 1 }, false, "annotations: wrong type");
        okBody(route, { a: "x", b: { c: "1" } }, false, "annotations: nested wrong type");
        okBody(route, { b: {} }, false, "annotations: required");
      },
    ],
  ];
  add("exchange, queue, literal routing key, input_headers, body schema", {
    config: H.config([
      H.endpoint({ endpoint: "/values", producer: H.producer({ exchange, name: s, routing_key: s }), extra: { input_headers: [s, "Content-Type"] } }),
      ...schemas.map(([p, schema]) => H.endpoint({ endpoint: p, extra: { extra_config: { [H.VALIDATION]: schema } } })),
    ]),
    expect: "files",
    ...(s === "" ? { warnings: ["AG220"] } : {}),
    check: (mod) => {
      const route = find(mod, "/values");
      eq(route.exchange.name, exchange, "exchange.name");
      eq(route.queue, s === "" ? null : { name: s, durable: false, bindingKey: s }, "queue");
      eq(route.routingKey, { kind: "static", value: s }, "routingKey");
      eq(route.inputHeaders, headers, "inputHeaders");
      if (Buffer.byteLength(s) <= 255) eq(prepared(route, ["values"]).routingKey, s, "the published routing key");
      for (const [, , check] of schemas) check(mod);
    },
  });

  // A routing key that is not static names a param; anything else is AG201 or AG202.
  add("routing_key without static_routing_key", {
    config: H.config([H.endpoint({ endpoint: "/rk/{id}", producer: H.producer({ routing_key: s, static_routing_key: false }) })]),
    expect: s === "" || s === "Id" || !H.PARAM_NAME.test(s) ? "files" : { error: ["AG201"] },
    ...(s !== "" && s !== "Id" && !H.PARAM_NAME.test(s) ? { warnings: ["AG202"] } : {}),
    check: (mod) => {
      const route = find(mod, "/rk/{id}");
      eq(route.routingKey, s === "Id" ? { kind: "param", param: "Id" } : { kind: "empty" }, "routingKey");
      eq(prepared(route, ["rk", "v1"]).routingKey, s === "Id" ? "v1" : "", "the published routing key");
    },
  });

  // *_key fields name a param: anything but "" and "Id" is AG201, once per field.
  add("exp_key, reply_to_key, msg_id_key, priority_key", {
    config: H.config([H.endpoint({ endpoint: "/keys/{id}", producer: H.producer({ exp_key: s, reply_to_key: s, msg_id_key: s, priority_key: s }) })]),
    expect: s === "" || s === "Id" ? "files" : { error: ["AG201", "AG201", "AG201", "AG201"] },
    check: (mod) => void find(mod, "/keys/{id}"),
  });

  // Keys: an unknown producer field is AG103 (comment keys "@…", "$…", "_…", "#…" are allowed); an
  // unknown body-schema keyword is AG222 (not enforced); neither can reach generated code.
  add("producer block key", {
    config: H.config([H.endpoint({ endpoint: "/key", producer: H.own([...Object.entries(H.producer()), [s, "v"]]) })]),
    expect: PRODUCER_FIELDS.includes(s) ? "either" : /^[@$_#]/.test(s) ? "files" : { error: ["AG103"] },
  });
  const keyword = ["type", "properties", "required", "$ref", "items", "enum", "const", "pattern", "format"].includes(s) ? `x${s}` : s;
  add("body schema keyword", {
    config: H.config([
      H.endpoint({
        endpoint: "/kw",
        extra: {
          extra_config: {
            [H.VALIDATION]: H.own([
              ["type", "object"],
              [keyword, { type: "string" }],
            ]),
          },
        },
      }),
    ]),
    expect: "files",
    check: (mod) => {
      const route = find(mod, "/kw");
      okBody(route, {}, true, "unknown keyword: an object");
      okBody(route, "x", false, "unknown keyword: not an object");
    },
  });

  // A body pattern that is the hostile string itself: a usable regex or AG222, never a crash.
  // Usable means it runs on one-byte and two-byte subjects: V8 compiles each lazily, on first use.
  let regex: RegExp | null = null;
  try {
    regex = new RegExp(s, "u");
    regex.test("");
    regex.test("\u2028");
  } catch {
    regex = null;
  }
  add("pattern (raw)", {
    config: H.config([
      H.endpoint({ endpoint: "/raw", extra: { extra_config: { [H.VALIDATION]: { type: "object", properties: { a: { type: "string", pattern: s } } } } } }),
    ]),
    expect: "files",
    // A pattern JS cannot compile is not enforced (AG222); the other keywords still are.
    ...(regex ? {} : { warnings: ["AG222"] }),
    check: (mod) => {
      const route = find(mod, "/raw");
      for (const sample of ["abc", s, "", "\u2028"]) {
        const want = regex ? regex.test(sample) : true;
        okBody(route, { a: sample }, want, `pattern ${JSON.stringify(s).slice(0, 60)} on ${JSON.stringify(sample).slice(0, 40)}`);
      }
      okBody(route, { a: 1 }, false, "raw pattern: not a string");
    },
  });

  // Hosts, root and backend, with the hostile string percent-encoded in user, password and vhost.
  const rootHost = `amqp://${enc(s)}:${MARK(i, "R")}${enc(s)}@broker.test:5672/${enc(s)}`;
  const backendHost = `amqps://u${enc(s)}:${MARK(i, "B")}${enc(s)}@broker.test/${enc(s)}?heartbeat=5`;
  add("host (encoded user, password, vhost)", {
    config: H.config(
      [
        H.endpoint({ endpoint: "/root-host" }),
        H.endpoint({ endpoint: "/backend-host", producer: H.producer({ exchange: "y", name: "q2" }), backend: { host: [backendHost] } }),
      ],
      { host: [rootHost] },
    ),
    expect: "files",
    secrets: [MARK(i, "R"), MARK(i, "B")],
    check: (mod) => {
      const urlsOf = (path: string) => mod.brokers[find(mod, path).broker]?.urls;
      eq(urlsOf("/root-host"), [stripped(rootHost)], "root host without credentials");
      eq(urlsOf("/backend-host"), [stripped(backendHost)], "backend host without credentials");
    },
  });

  // The hostile string raw in the password, after the secret: a URL or AG211, never a leak.
  const rawPassword = `amqp://user:${MARK(i, "P")}${s}@broker.test:5672/`;
  add("host (raw password)", {
    config: H.config([H.endpoint({ endpoint: "/a" })], { host: [rawPassword] }),
    expect: stripped(rawPassword) === null ? { error: ["AG211"] } : "files",
    secrets: [MARK(i, "P")],
  });
  // Raw in the user name: a URL without credentials, or AG211 (also when the user name ends the
  // authority early and would move the password out of the userinfo), never a leak.
  const rawUser = `amqp://${s}:${MARK(i, "U")}@broker.test:5672/${s}`;
  add("host (raw user, vhost)", {
    config: H.config([H.endpoint({ endpoint: "/a", backend: { host: [rawUser] } })]),
    expect: stripped(rawUser) === null ? { error: ["AG211"] } : "files",
    secrets: [MARK(i, "U")],
  });
  // Invalid URLs with a password-looking part: AG211, and the password in no message.
  for (const [n, host] of [
    ["@@", `amqp://user:${MARK(i, "I")}@@${s}`],
    ["http", `http://user:${MARK(i, "I")}@${enc(s)}x`],
    ["no host", `amqp://user:${MARK(i, "I")}@/${s}`],
  ] as const) {
    add(`invalid host (${n})`, {
      config: H.config([H.endpoint({ endpoint: "/a" })], { host: [host] }),
      expect: stripped(host) === null ? { error: ["AG211"] } : "files",
      secrets: [MARK(i, "I")],
    });
  }
  return cases;
}

interface Outcome {
  c: CorpusCase;
  result: GenerateResult;
  dir?: string;
}

let corpusFolder: H.CaseFolder | null = null;
const outcomes: Outcome[] = [];

test("corpus: every hostile string in every position: rejected, or generated without a forbidden character or a secret", async () => {
  corpusFolder = new H.CaseFolder("hostile/corpus");
  const cases = H.HOSTILE.flatMap((h, i) => corpusCases(h, i));
  const failures: string[] = [];
  for (const c of cases) {
    const { result, text } = await gen(c.config);
    const problems = H.resultProblems(result, { text, file: FILE, secrets: c.secrets ?? [] });
    const errors = errorCodes(result);
    if (c.expect === "files" && errors.length > 0)
      problems.push(`expected files, got errors ${errors.join(",")}: ${result.diagnostics.find((d) => d.severity === "error")?.message}`);
    if (typeof c.expect === "object") {
      // Exactly these codes (a path can hold one mistake per segment: AG210 may repeat).
      const want = [...new Set(c.expect.error)].sort();
      if (JSON.stringify([...new Set(errors)].sort()) !== JSON.stringify(want))
        problems.push(`expected errors ${want.join(",")}, got ${errors.join(",") || "none"}`);
      if (errors.length < c.expect.error.length) problems.push(`expected ${c.expect.error.length} errors, got ${errors.length}`);
    }
    if (errors.length === 0)
      for (const w of c.warnings ?? []) if (!codes(result).includes(w)) problems.push(`expected warning ${w}, got ${codes(result).join(",")}`);
    if (problems.length > 0) failures.push(`${c.label}:\n    ${problems.map((p) => p.slice(0, 300)).join("\n    ")}`);
    const outcome: Outcome = { c, result };
    if (result.files.length > 0) outcome.dir = corpusFolder.write(result.files);
    outcomes.push(outcome);
  }
  const generated = outcomes.filter((o) => o.dir).length;
  console.log(`  corpus: ${H.HOSTILE.length} strings, ${cases.length} configs, ${generated} generated, ${cases.length - generated} rejected (${elapsed()})`);
  assert.equal(failures, [], `${failures.length} case(s) failed:\n  ${failures.slice(0, 20).join("\n  ")}`);
});

test("corpus: every generated folder type-checks strictly, in one program", async () => {
  assert.ok(corpusFolder);
  const dirs = outcomes.flatMap((o) => (o.dir ? [o.dir] : []));
  const tc = await H.typecheck(dirs, corpusFolder);
  console.log(`  corpus type-check: ${dirs.length} folders, ${tc.files} files, ${tc.count} diagnostics, ${Math.round(tc.ms)} ms (${elapsed()})`);
  const report = [...tc.byDir].map(
    ([dir, list]) => `${outcomes.find((o) => o.dir?.endsWith(`/${dir}`))?.c.label ?? dir}:\n    ${list.slice(0, 3).join("\n    ")}`,
  );
  assert.equal(report, [], `TypeScript errors in generated code:\n  ${report.slice(0, 15).join("\n  ")}`);
});

test("corpus: importing the generated code runs nothing else, and every value round-trips exactly", async () => {
  const canary = H.armCanary();
  const failures: string[] = [];
  try {
    for (const o of outcomes) {
      if (!o.dir) continue;
      try {
        const mod = await H.importCase(o.dir);
        o.c.check?.(mod);
        const trip = H.roundTripProblems(JSON.parse(JSON.stringify(o.c.config)), mod);
        if (trip.length > 0) failures.push(`${o.c.label}: ${trip.join("; ")}`);
      } catch (err) {
        failures.push(`${o.c.label}: ${(err instanceof Error ? err.message : String(err)).slice(0, 400)}`);
      }
    }
  } finally {
    canary.disarm();
  }
  assert.equal(canary.hits, [], "generated code executed injected code");
  assert.equal(failures, [], `${failures.length} case(s) failed:\n  ${failures.slice(0, 20).join("\n  ")}`);
  console.log(`  corpus import: ${outcomes.filter((o) => o.dir).length} folders imported, canary untouched (${elapsed()})`);
});

// Guards stripCredentials(): credentials that spill out of the URL authority are AG211, never copied.
test("a user name with a raw '/', '?' or '#' never moves the password into the generated brokers list", async () => {
  for (const host of [
    "amqp://a/b:S3cr3t@broker:5672/",
    "amqp://a?b:S3cr3t@broker:5672/",
    "amqp://a#b:S3cr3t@broker:5672/",
    "amqp://*/x:S3cr3t@broker.test:5672/v",
    "amqp://\n/x:S3cr3t@broker",
  ]) {
    const { result } = await gen(H.config([H.endpoint({ endpoint: "/a" })], { host: [host] }));
    for (const f of result.files) assert.not.ok(f.content.includes("S3cr3t"), `${f.path} contains the password of ${JSON.stringify(host)}`);
  }
});

// Guards commentText(): a cut at 120/200 UTF-16 units never splits a surrogate pair.
test("comments cut on code points: a long path or exchange name with emojis leaves no lone surrogate", async () => {
  for (const over of [{ endpoint: "/seg/" + "😀".repeat(150) }, { endpoint: "/a", producer: H.producer({ exchange: "a".repeat(113) + "😀".repeat(8) }) }]) {
    const { result } = await gen(H.config([H.endpoint(over)]));
    assert.ok(result.files.length > 0);
    for (const f of result.files) assert.equal(H.forbiddenChars(f.content), [], f.path);
  }
});

// Guards the body types (json-schema-to-typescript output): no raw terminator in comments or string literal types.
test("body types escape U+2028, U+2029, NUL and lone surrogates from the schema", async () => {
  for (const s of ["a\u2028b", "a\u2029b", "a\u0000b", "a\uD800b"]) {
    const schema = { type: "object", description: s, properties: H.own([[s.replace("\uD800", ""), { enum: [s.replace("\uD800", "")], description: s }]]) };
    const { result } = await gen(H.config([H.endpoint({ endpoint: "/a", extra: { extra_config: { [H.VALIDATION]: schema } } })]));
    const body = result.files.find((f) => f.path.endsWith(".body.ts"));
    assert.ok(body, `${JSON.stringify(s)}: no body file`);
    assert.equal(H.forbiddenChars(body.content), [], `${JSON.stringify(s)} in routes/post-a.body.ts`);
  }
});

// Guards bodyCode(): when the body type cannot be derived, the validator is kept (no fail-open).
test("a property name that breaks the body types keeps body validation (no AG225)", async () => {
  for (const name of ["\uD800", "\uDC00x", "hasOwnProperty"]) {
    const schema = { type: "object", properties: H.own([[name, { type: "string" }]]), required: [name] };
    const { result } = await gen(H.config([H.endpoint({ endpoint: "/a", extra: { extra_config: { [H.VALIDATION]: schema } } })]));
    assert.not.ok(codes(result).includes("AG225"), `${JSON.stringify(name)}: AG225, the body would not be validated`);
    assert.ok(
      result.files.some((f) => f.path.endsWith(".body.ts")),
      `${JSON.stringify(name)}: no body validator generated`,
    );
  }
});

test("body schema: nested titles that name global types (Record, Array, Map, …) still type-check", async () => {
  const folder = new H.CaseFolder("hostile/titles");
  const dirs: string[] = [];
  for (const title of [
    "Array",
    "Map",
    "Set",
    "Promise",
    "String",
    "Object",
    "Error",
    "RegExp",
    "Partial",
    "Readonly",
    "unknown",
    "never",
    "PostABody",
    "ValidatePostABody",
    "default",
    "constructor",
  ]) {
    const schema = {
      type: "object",
      properties: { a: { title, type: "object", properties: { b: { type: "string", title } } }, c: { title, type: "array", items: { title, type: "object" } } },
    };
    const { result } = await gen(H.config([H.endpoint({ endpoint: "/a", extra: { extra_config: { [H.VALIDATION]: schema } } })]));
    assert.equal(errorCodes(result), [], title);
    dirs.push(folder.write(result.files));
  }
  const tc = await H.typecheck(dirs, folder);
  const report = [...tc.byDir].map(([dir, list]) => `${dir}: ${list.slice(0, 2).join(" | ")}`);
  assert.equal(report, [], `TypeScript errors:\n  ${report.join("\n  ")}`);
});

// Guards the body module: nested titles cannot shadow global types used by the validator.
test('a nested body-schema title "Record" does not shadow the global the validator uses', async () => {
  const folder = new H.CaseFolder("hostile/titles-record");
  const schema = { type: "object", properties: { a: { title: "Record", type: "object", properties: { b: { type: "string" } } } } };
  const { result } = await gen(H.config([H.endpoint({ endpoint: "/a", extra: { extra_config: { [H.VALIDATION]: schema } } })]));
  const tc = await H.typecheck([folder.write(result.files)], folder);
  assert.equal([...tc.byDir.values()].flat(), []);
});

// Guards Compiler.regex: a pattern V8 refuses when run is AG222 at generation, and the validator never throws.
test("a pattern V8 cannot run is caught at generation time, not thrown on every request", async () => {
  const pattern = "^" + "x".repeat(100_000) + "$";
  const { result } = await gen(H.config([H.endpoint({ endpoint: "/a", extra: { extra_config: { [H.VALIDATION]: { type: "string", pattern } } } })]));
  const folder = new H.CaseFolder("hostile/huge-pattern");
  const mod = await H.importCase(folder.write(result.files));
  const validate = mod.routes[0]?.validateBody;
  assert.ok(validate);
  assert.not.throws(() => validate("x".repeat(100_000)));
});

// Guards diagnostics: no C0 control character from config text in any message or hint (terminal safety).
test("control characters from config keys never reach diagnostic messages raw", async () => {
  const key = "A\u001b[2J\u0007\nZ";
  for (const cfg of [
    H.config([H.endpoint({ endpoint: "/a", producer: H.own([...Object.entries(H.producer()), [key, 1]]) })]),
    H.config([
      H.endpoint({
        endpoint: "/a",
        extra: {
          extra_config: {
            [H.VALIDATION]: H.own([
              ["type", "object"],
              [key, 1],
            ]),
          },
        },
      }),
    ]),
    H.config([H.endpoint({ endpoint: "/a", extra: { extra_config: { [H.VALIDATION]: { type: "object", properties: H.own([[key, 5]]) } } } })]),
  ]) {
    const { result } = await gen(cfg);
    assert.ok(result.diagnostics.length > 0);
    for (const d of result.diagnostics) {
      for (const text of [d.message, d.hint ?? ""]) assert.not.match(text, /[\u0000-\u001f]/, `${d.code}: ${JSON.stringify(text)}`);
    }
  }
});

test("the file option: a hostile config file name only reaches comments, safely", async () => {
  const folder = new H.CaseFolder("hostile/file-option");
  const dirs: string[] = [];
  for (const file of [
    "evil*/globalThis.__pwned=1;/*.json",
    "a\nglobalThis.__pwned=1;//.json",
    "x\u2028y\uD800.json",
    "C:\\Users\\me\\krakend.json",
    "/home/me/krakend.json",
    "😀".repeat(150) + ".json",
  ]) {
    const result = await generate(H.config([H.endpoint({ endpoint: "/a" })]), { file });
    assert.equal(H.resultProblems(result, { file }), [], JSON.stringify(file));
    for (const f of result.files) assert.not.ok(/\/home\/me|C:\\Users/.test(f.content), `${f.path}: an absolute path from the file option`);
    dirs.push(folder.write(result.files));
  }
  const tc = await H.typecheck(dirs, folder);
  assert.equal([...tc.byDir.values()].flat(), []);
  const canary = H.armCanary();
  try {
    for (const dir of dirs) await H.importCase(dir);
  } finally {
    canary.disarm();
  }
  assert.equal(canary.hits, []);
});

test("harness: the type-check and the canary do catch broken or injected code", async () => {
  const folder = new H.CaseFolder("hostile/control");
  const { result } = await gen(H.config([H.endpoint({ endpoint: "/a" })]));
  const broken = result.files.map((f) =>
    f.path.startsWith("routes/") ? { ...f, content: f.content + '\nexport const wrong: number = "1";\nglobalThis.__pwned = 1;\n' } : f,
  );
  const dir = folder.write(broken);
  const tc = await H.typecheck([dir], folder);
  assert.ok(tc.count > 0, "the type-check should report the wrong assignment");
  const canary = H.armCanary();
  try {
    await H.importCase(dir);
  } catch {
    // the canary may throw when assigned through a declaration; what matters is that it saw it
  } finally {
    canary.disarm();
  }
  assert.ok(canary.hits.length > 0, "the canary should see the injected assignment");
  assert.ok(H.forbiddenChars("a\u2028b\uD800c\u0000").length === 3);
  assert.ok(H.resultProblems({ files: [{ path: "../x.ts", content: "" }], diagnostics: [] }).length > 0);
});

// ---------------------------------------------------------------------------------------------
// 2. Property-based fuzzing (bounded; `npm run fuzz` is the long run)
// ---------------------------------------------------------------------------------------------

const FUZZ_RUNS = 300;
const FUZZ_SEED = 20_260_525;
const FUZZ_TYPECHECK = 60;

test(`fuzz: ${FUZZ_RUNS} configs (seed ${FUZZ_SEED}): generate() never throws and every result is well-formed`, async () => {
  const folder = new H.CaseFolder("hostile/fuzz");
  const kept: { dir: string; config: unknown }[] = [];
  const counts = { cases: 0, generated: 0, rejected: 0 };
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(H.fuzzInput, async (input) => {
      const { arg, text, secrets } = H.fuzzArgument(input);
      const before = typeof arg === "object" ? JSON.stringify(arg) : null;
      const result = await generate(arg, { file: FILE });
      if (before !== null && JSON.stringify(arg) !== before) throw new Error("generate(object) mutated its input");
      const problems = H.resultProblems(result, { text, file: FILE, secrets });
      if (problems.length > 0) throw new Error(problems.join("\n"));
      counts.cases++;
      if (result.files.length === 0) {
        counts.rejected++;
        return;
      }
      counts.generated++;
      if (kept.length < FUZZ_TYPECHECK) kept.push({ dir: folder.write(result.files), config: JSON.parse(text.replace(/^\uFEFF/, "")) as unknown });
    }),
    { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
  );
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    assert.unreachable(
      `fuzz failed after ${details.numRuns} run(s) (seed ${details.seed}, path ${details.counterexamplePath}):\n${cause}\ncounterexample: ${JSON.stringify(details.counterexample)?.slice(0, 2000)}`,
    );
  }
  const tc = await H.typecheck(
    kept.map((k) => k.dir),
    folder,
  );
  const canary = H.armCanary();
  const failures: string[] = [];
  try {
    for (const k of kept) {
      try {
        failures.push(...H.roundTripProblems(k.config, await H.importCase(k.dir)).map((p) => `${k.dir}: ${p}`));
      } catch (err) {
        failures.push(`${k.dir}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    canary.disarm();
  }
  console.log(
    `  fuzz: ${counts.cases} configs, ${counts.generated} generated, ${counts.rejected} rejected; ${kept.length} type-checked (${tc.count} TS diagnostics) and imported; ${Math.round(performance.now() - started)} ms (${elapsed()})`,
  );
  const report = [...tc.byDir].map(([dir, list]) => `${dir}: ${list.slice(0, 2).join(" | ")}`);
  assert.equal(report, [], `TypeScript errors in fuzzed output:\n  ${report.slice(0, 10).join("\n  ")}`);
  assert.equal(canary.hits, []);
  assert.equal(failures, []);
  assert.ok(
    counts.generated >= FUZZ_RUNS / 10,
    `only ${counts.generated} of ${counts.cases} fuzzed configs generated: the arbitraries are too hostile to cover emit`,
  );
});

// ---------------------------------------------------------------------------------------------
// 3. File names
// ---------------------------------------------------------------------------------------------

const NAME_PATHS = [
  "/..",
  "/../../etc/passwd",
  "/a/../b",
  "/.",
  "/%2e%2e/%2F",
  "/a\\b\\..\\c",
  "/C:",
  "/C:\\Windows",
  "/c:/x",
  "/CON",
  "/con",
  "/NUL",
  "/com1",
  "/LPT1.txt",
  "/aux/prn",
  "/Orders/{id}",
  "/orders/{id}",
  "/ORDERS/{Id}",
  "/a-b",
  "/a/b",
  "/a_b",
  "/a.b",
  "/A B",
  "/",
  "//",
  "/😀",
  "/é",
  "/" + "long".repeat(40),
  "/" + "long".repeat(40) + "/x",
  "/-",
  "/_/{_}",
  "/1/{2}",
  "/a-1",
  "/a1",
];

async function nameMap(paths: readonly string[], method = "GET"): Promise<Map<string, string>> {
  const { result } = await gen(H.config(paths.map((p, i) => H.endpoint({ endpoint: p, method, producer: H.producer({ exchange: `x${i}`, name: `q${i}` }) }))));
  assert.equal(errorCodes(result), [], `file-name config rejected: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  const map = new Map<string, string>();
  for (const f of result.files) {
    const m = /^routes\/([^/]+)\.ts$/.exec(f.path);
    if (!m || m[1]?.endsWith(".body")) continue;
    const path = /\n {2}path: ("(?:[^"\\]|\\.)*"),\n/.exec(f.content)?.[1];
    assert.ok(path, `${f.path} has no path`);
    map.set(JSON.parse(path) as string, f.path);
  }
  return map;
}

test("file names: unique, lower-case [a-z0-9-], inside routes/, whatever the path", async () => {
  const map = await nameMap(NAME_PATHS);
  assert.is(map.size, NAME_PATHS.length);
  const names = [...map.values()];
  for (const name of names) {
    assert.match(name, /^routes\/[a-z0-9]+(?:-[a-z0-9]+)*\.ts$/, name);
    assert.ok(!/^routes\/(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name), `${name} is a Windows device name`);
  }
  assert.is(new Set(names.map((n) => n.toLowerCase())).size, names.length, `file names collide: ${names.join(", ")}`);
  assert.is.not(map.get("/Orders/{id}"), map.get("/orders/{id}"));
  assert.is.not(map.get("/a-b"), map.get("/a/b"));
});

test("file names: the same map whatever the order of the endpoints", async () => {
  const reference = await nameMap(NAME_PATHS);
  const orders = fc.sample(fc.shuffledSubarray(NAME_PATHS, { minLength: NAME_PATHS.length, maxLength: NAME_PATHS.length }), { numRuns: 5, seed: 7 });
  for (const order of [[...NAME_PATHS].reverse(), ...orders]) {
    assert.equal(await nameMap(order), reference);
  }
});

// Guards plan(): suffixed route names are checked against every other name, so file paths stay unique.
test("a hash-suffixed file name never equals another route's plain name", async () => {
  const { createHash } = await import("node:crypto");
  const h = createHash("sha256").update("GET /x").digest("hex").slice(0, 6);
  const { result } = await gen(
    H.config(["/x", "/X", `/x/${h}`].map((p, i) => H.endpoint({ endpoint: p, method: "GET", producer: H.producer({ exchange: `x${i}` }) }))),
  );
  const paths = result.files.map((f) => f.path);
  assert.is(new Set(paths).size, paths.length, `duplicate file paths: ${paths.join(", ")}`);
});

// ---------------------------------------------------------------------------------------------
// 4. Determinism and purity
// ---------------------------------------------------------------------------------------------

test("determinism: twice, and from shuffled endpoints, the same bytes; generate(object) does not mutate", async () => {
  const hostiles = H.HOSTILE.filter((h) => h.value !== "" && !/[{}*]/.test(h.value) && h.value.length < 1000);
  const endpoints = hostiles.map((h, i) =>
    H.endpoint({
      endpoint: `/d/${i}/${h.value}/{p${i}}`,
      method: ["GET", "POST", "PUT"][i % 3] ?? "POST",
      producer: H.producer({ exchange: `ex-${h.value}`, name: `q-${h.value}`, routing_key: h.value, msg_id_key: `P${i}` }),
      extra: {
        input_headers: [h.value],
        ...(i % 4 === 0 ? { extra_config: { [H.VALIDATION]: { type: "object", properties: H.own([[h.value, { enum: [h.value] }]]) } } } : {}),
      },
    }),
  );
  const base = H.config(endpoints, { host: ["amqp://u:S3cr3tD@broker.test:5672/v", "amqps://broker2.test"] });
  const first = await generate(base, { file: FILE });
  assert.equal(errorCodes(first), []);
  assert.ok(first.files.length > hostiles.length);
  const second = await generate(JSON.stringify(base, null, 2), { file: FILE });
  assert.equal(second.files, first.files, "object and text input differ");
  // Deep-frozen input: any write throws.
  const freeze = (v: unknown): void => {
    if (v !== null && typeof v === "object") {
      Object.freeze(v);
      for (const child of Object.values(v)) freeze(child);
    }
  };
  const frozen = structuredClone(base);
  freeze(frozen);
  const snapshot = structuredClone(frozen);
  const third = await generate(frozen, { file: FILE });
  assert.equal(frozen, snapshot, "generate() mutated its input");
  assert.equal(third.files, first.files);
  const orders = fc.sample(fc.shuffledSubarray(endpoints, { minLength: endpoints.length, maxLength: endpoints.length }), { numRuns: 4, seed: 11 });
  for (const order of orders) {
    const shuffled = await generate(H.config(order, { host: base["host"] as H.Json[] }), { file: FILE });
    assert.equal(
      shuffled.files.map((f) => f.path),
      first.files.map((f) => f.path),
    );
    for (let i = 0; i < first.files.length; i++)
      assert.ok(shuffled.files[i]?.content === first.files[i]?.content, `${first.files[i]?.path} differs with shuffled endpoints`);
    assert.equal(shuffled.diagnostics.map((d) => d.code).sort(), first.diagnostics.map((d) => d.code).sort());
  }
});

// ---------------------------------------------------------------------------------------------
// 5. Secrets
// ---------------------------------------------------------------------------------------------

test("secrets: a password in host (root and backend, valid or not) is in no file, message or hint", async () => {
  const cases: { hosts: string[]; backend?: string[]; secret: string }[] = [
    { hosts: ["amqp://user:s3cr3tA@broker:5672/vh"], secret: "s3cr3tA" },
    { hosts: ["amqp://h"], backend: ["amqps://user:s3cr3tB@broker/vh?heartbeat=1", "amqp://other:s3cr3tB@b2"], secret: "s3cr3tB" },
    { hosts: ["amqp://user:s3cr3tC@@host"], secret: "s3cr3tC" },
    { hosts: ["http://user:s3cr3tD@x"], secret: "s3cr3tD" },
    { hosts: ["amqp://user:s3cr3tE@"], secret: "s3cr3tE" },
    { hosts: ["amqp://user:s3cr3tF@host:99999"], secret: "s3cr3tF" },
    { hosts: ["amqp://user:s3cr3tG@host:port"], secret: "s3cr3tG" },
    { hosts: ["AMQP://user:s3cr3tH@HOST"], secret: "s3cr3tH" },
    { hosts: ["amqp://:s3cr3tI@host"], secret: "s3cr3tI" },
    { hosts: ["amqp://user%3As3cr3tJ@host"], secret: "s3cr3tJ" },
    { hosts: ["amqp://us er:s3cr3tK@ho st"], secret: "s3cr3tK" },
    { hosts: ["amqp://user:s3cr3tL@[::1"], secret: "s3cr3tL" },
    { hosts: ["mailto:user:s3cr3tM@host"], secret: "s3cr3tM" },
    { hosts: ["amqp:user:s3cr3tN@host"], secret: "s3cr3tN" },
    { hosts: ["amqp://user:s3cr3tO%@host"], secret: "s3cr3tO" },
    { hosts: [" amqp://user:s3cr3tP@host "], secret: "s3cr3tP" },
  ];
  for (const c of cases) {
    for (const backendToo of [false, true]) {
      const backend: H.JsonObject = backendToo ? { host: c.backend ?? c.hosts } : {};
      const cfg = H.config([H.endpoint({ endpoint: "/a", backend }), H.endpoint({ endpoint: "/b", producer: H.producer({ exchange: "y" }) })], {
        host: c.hosts,
      });
      const { result, text } = await gen(cfg);
      assert.equal(H.resultProblems(result, { text, file: FILE, secrets: [c.secret] }), [], JSON.stringify(c));
      // The host text is not copied into any message either (it would carry the user name).
      for (const d of result.diagnostics) assert.not.ok(d.message.includes("@"), `${d.code}: ${d.message}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// 6. Big and odd inputs
// ---------------------------------------------------------------------------------------------

for (const invalid of [false, true]) {
  test(`big: a ~10 MB config ${invalid ? "with an error in every endpoint is diagnosed" : "generates"} within 30 s (own process, RSS reported)`, async () => {
    const m = await H.measureBigInChild(10_000_000, invalid);
    console.log(
      `  big${invalid ? " (invalid)" : ""}: ${(m.bytes / 1e6).toFixed(1)} MB, ${m.endpoints} endpoints → ${m.files} files, ${m.errors} errors, ${m.diagnostics} diagnostics in ${m.ms} ms; RSS ${m.rssBeforeMb} → peak ${m.rssPeakMb} MB (heap peak ${m.heapPeakMb} MB)`,
    );
    assert.ok(m.ms < 30_000, `took ${m.ms} ms`);
    if (invalid) {
      assert.is(m.files, 0);
      assert.is(m.errors, m.endpoints);
    } else {
      assert.is(m.errors, 0);
      assert.is(m.routeFiles, m.endpoints);
    }
  });
}

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const withSchema = (schema: string) =>
  JSON.stringify(H.config([H.endpoint({ endpoint: "/a", extra: { extra_config: { [H.VALIDATION]: "@@SCHEMA@@" } } })])).replace('"@@SCHEMA@@"', schema);

/** generate() that must not throw: a clear diagnostic or a result, never an exception. */
async function survives(text: string, what: string): Promise<GenerateResult> {
  let result: GenerateResult;
  try {
    result = await generate(text, { file: FILE });
  } catch (err) {
    assert.unreachable(`${what}: generate() threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} (the CLI's exit 3)`);
    throw err;
  }
  assert.equal(H.resultProblems(result, { text, file: FILE }), [], what);
  return result;
}

test("deep nesting within the limit generates: 500 levels in an unrelated namespace, 100 in a body schema", async () => {
  await survives(`{"version":3,"extra_config":{"x/y":${deep(500)}},"endpoints":[]}`, "500 levels");
  let schema = '{"type":"string"}';
  for (let i = 0; i < 100; i++) schema = `{"type":"object","properties":{"a":${schema}}}`;
  const result = await survives(withSchema(schema), "100 nested schemas");
  assert.equal(errorCodes(result), []);
});

// Guards load() and the body compilers: deep nesting is a diagnostic (AG001 past 512 levels), never a RangeError.
test("deep nesting (up to 100,000 levels) gives a diagnostic, not a stack overflow", async () => {
  const big = deep(100_000);
  await survives(`{"version":3,"extra_config":{"x/y":${big}},"endpoints":[]}`, "100,000 levels in an unrelated namespace");
  await survives(withSchema(`{"type":"array","items":{"enum":[${big}]}}`), "100,000 levels in a body schema's enum");
  await survives(`{"version":3,"extra_config":{"x/y":${deep(2_000)}},"endpoints":[]}`, "2,000 levels");
  let schema = '{"type":"string"}';
  for (let i = 0; i < 1000; i++) schema = `{"type":"object","properties":{"a":${schema}}}`;
  await survives(withSchema(schema), "1,000 nested schemas");
});

// Guards load(): a UTF-8 BOM is dropped, so positions match the file without it.
test("a BOM does not shift the columns of line 1", async () => {
  for (const text of ['{"version": 2}', '{"version": 3,}', '{"version": 3, "endpoints": [{"endpoint": 5}]}']) {
    const plain = await generate(text, { file: FILE });
    const bom = await generate("\uFEFF" + text, { file: FILE });
    assert.equal(
      bom.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`),
      plain.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`),
      text,
    );
  }
});

// Guards timeouts: a value setTimeout cannot hold (> 2^31-1 ms) never reaches the runtime.
test("a timeout above 2^31-1 ms is AG221 or waitable, never an immediate 504", async () => {
  for (const timeout of ["600h", "2147483648ms", "99999h"]) {
    const { result } = await gen(H.config([H.endpoint({ endpoint: "/a", extra: { timeout } })]));
    if (errorCodes(result).includes("AG221")) continue;
    const folder = new H.CaseFolder("hostile/timeout");
    const mod = await H.importCase(folder.write(result.files));
    const route = mod.routes[0] as unknown as { timeoutMs: number };
    assert.ok(route.timeoutMs <= 2 ** 31 - 1, `${timeout}: timeoutMs ${route.timeoutMs} overflows setTimeout (fires after 1 ms)`);
  }
});

test("odd documents: duplicate keys, BOM, comments, empty, whitespace, null, array, scalars", async () => {
  const valid = JSON.stringify(H.config([H.endpoint({ endpoint: "/a" })]), null, 2);

  // Duplicate keys: AG002 at the second key, and the last one wins (as Go).
  const dup = valid.replace('"exchange": "x"', '"exchange": "first",\n            "exchange": "last"');
  const d = await survives(dup, "duplicate keys");
  const ag002 = d.diagnostics.find((x) => x.code === "AG002");
  assert.ok(ag002, "AG002 expected");
  assert.is(ag002.severity, "warning");
  assert.is(ag002.pointer, "/endpoints/0/backend/0/extra_config/backend~1amqp~1producer/exchange");
  const dupLine = dup.split("\n").findIndex((l) => l.includes('"exchange": "last"')) + 1;
  assert.is(ag002.line, dupLine);
  assert.ok(d.files.find((f) => f.path.startsWith("routes/"))?.content.includes('name: "last"'), "the last duplicate should win");

  // A UTF-8 BOM is accepted, and positions still count from the first character.
  const bom = await survives("\uFEFF" + valid, "BOM");
  assert.equal(errorCodes(bom), []);
  assert.equal(bom.files, (await generate(valid, { file: FILE })).files);

  // Comments: AG001 at the comment.
  for (const [comment, line, column] of [
    ["// a comment\n", 2, 3],
    ["/* a comment */", 2, 3],
  ] as const) {
    const text = valid.replace("{\n", `{\n  ${comment}`);
    const r = await survives(text, comment);
    const e = r.diagnostics.find((x) => x.code === "AG001");
    assert.ok(e && e.severity === "error", `AG001 expected for ${comment}`);
    assert.is(e.line, line, comment);
    assert.is(e.column, column, comment);
    assert.equal(r.files, []);
  }

  // Not a config at all: an error, never a crash, never files.
  for (const [text, code] of [
    ["", "AG001"],
    ["   \n\t  \r\n ", "AG001"],
    ["\uFEFF", "AG001"],
    ["null", "AG101"],
    ["[]", "AG101"],
    ["[" + valid + "]", "AG101"],
    ["3", "AG101"],
    ['"krakend"', "AG101"],
    ["true", "AG101"],
    ["{}", "AG102"],
    ["{", "AG001"],
    ["\u0000", "AG001"],
    [valid + valid, "AG001"],
    [valid.replace(/,(\s*)\]/, ",,$1]"), ""],
  ] as const) {
    const r = await survives(text, JSON.stringify(text.slice(0, 30)));
    if (code) assert.ok(errorCodes(r).includes(code), `${JSON.stringify(text.slice(0, 30))}: expected ${code}, got ${codes(r).join(",")}`);
  }
  // A 0-byte string and an empty object as input.
  assert.ok(errorCodes(await survives("", "0 bytes")).length > 0);
  assert.ok(errorCodes(await generate({}, { file: FILE })).length > 0);
});

test.after(() => {
  console.log(`  hostile.test.ts: ${elapsed()}`);
});

test.run();
