// generator/json-schema/compiler.ts: JSON Schema → standalone TypeScript validator.
// The core check is differential: every table schema is compiled, written to a temp
// .ts file, imported (tsx is the loader) and run against hand-picked, pooled and
// seeded-random instances; the verdict must agree with ajv's.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import { Project, SyntaxKind, ts } from "ts-morph";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileValidator, JsonSchemaCompileError } from "../generator/json-schema/compiler.js";
import { tsLiteral } from "../generator/pipeline/literal.js";

type Validator = (value: unknown) => string | null;

/** JSON.parse: objects with own `__proto__` etc., exactly as a request body arrives. */
const J = (text: string): unknown => JSON.parse(text);

const HOSTILE = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "prototype",
  'a"b',
  "a'b",
  "a`b",
  "${globalThis.pwned = 1}",
  "*/ globalThis.pwned = 1; /*",
  '"]; globalThis.pwned = 1; //',
  "line\nbreak\r",
  "nul\u0000byte",
  "sep\u2028\u2029",
  "a/b~c",
  "~1",
  "",
  "\\",
  "</script>",
  "\ud800lone",
];

/** ajv cannot compile a property name with a lone surrogate (encodeURIComponent throws). */
const HOSTILE_KEYS = HOSTILE.filter((h) => !/[\ud800-\udfff]/.test(h));

interface Case {
  name: string;
  schema: unknown;
  instances: unknown[];
  /** Every hand-picked instance gets the same verdict (the sanity check expects mixed verdicts otherwise). */
  uniform?: boolean;
}

const tree = {
  definitions: {
    node: {
      type: "object",
      required: ["value"],
      properties: {
        value: { type: "integer" },
        children: { type: "array", items: { $ref: "#/definitions/node" } },
      },
      additionalProperties: false,
    },
  },
  $ref: "#/definitions/node",
};

const CASES: Case[] = [
  { name: "empty", schema: {}, instances: [] },
  { name: "true", schema: true, instances: [] },
  { name: "false", schema: false, instances: [] },
  { name: "type string", schema: { type: "string" }, instances: ["", "x", 1, null] },
  { name: "type number", schema: { type: "number" }, instances: [0, -1.5, 1e300, "1"] },
  { name: "type integer", schema: { type: "integer" }, instances: [0, -0, 7, 1.5, J("1.0"), 1e20, "3"] },
  { name: "type boolean", schema: { type: "boolean" }, instances: [true, false, 0, "true"] },
  { name: "type null", schema: { type: "null" }, instances: [null, 0, ""] },
  { name: "type array", schema: { type: "array" }, instances: [[], [1], {}, J('{"length":0}')] },
  { name: "type object", schema: { type: "object" }, instances: [{}, [], null] },
  {
    name: "type list",
    schema: { type: ["string", "integer", "null"], minLength: 2, minimum: 3 },
    instances: ["a", "ab", 2, 3, 3.5, null, true, []],
  },
  { name: "type number+integer", schema: { type: ["integer", "number"] }, instances: [1.5, 2, "x"] },
  {
    name: "type object+array keywords",
    schema: { type: ["object", "array"], minItems: 2, minProperties: 1, required: ["a"] },
    instances: [[], [1, 2], {}, { a: 1 }, { b: 1 }, "x"],
  },
  {
    name: "properties required",
    schema: {
      type: "object",
      required: ["name", "age"],
      properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 }, tags: { items: { type: "string" } } },
    },
    instances: [
      { name: "x", age: 3 },
      { name: "x" },
      { name: 1, age: 3 },
      { name: "x", age: -1 },
      { name: "x", age: 1, tags: ["a", 2] },
      { name: "x", age: 1, tags: "not an array" },
      J('{"__proto__": {"name": "x", "age": 1}}'),
    ],
  },
  {
    name: "required without type",
    schema: { required: ["a"], properties: { a: { const: 1 } } },
    instances: ["string", 5, [], {}, { a: 1 }, { a: 2 }],
  },
  {
    name: "additionalProperties false",
    schema: { properties: { a: {}, b: { type: "string" } }, additionalProperties: false },
    instances: [{ a: [1] }, { a: 1, b: "x" }, { a: 1, c: 1 }, { b: 1 }, J('{"__proto__": 1}'), J('{"constructor": 1}')],
  },
  {
    name: "additionalProperties false many known",
    schema: { properties: { a: {}, b: {}, c: {}, d: {}, e: {}, f: {} }, additionalProperties: false },
    instances: [{ a: 1, f: 2 }, { g: 1 }, J('{"__proto__": null}'), J('{"toString": 1}')],
  },
  {
    name: "additionalProperties schema",
    schema: { properties: { id: { type: "integer" } }, additionalProperties: { type: "string", maxLength: 3 } },
    instances: [{ id: 1, x: "abc" }, { id: 1, x: "abcd" }, { id: "1" }, { y: 2 }, {}],
  },
  {
    name: "patternProperties",
    schema: {
      patternProperties: { "^x-": { type: "string" }, "^[0-9]+$": { type: "integer" }, id$: true },
      additionalProperties: false,
    },
    instances: [{ "x-a": "v" }, { "x-a": 1 }, { "12": 3 }, { "12": "3" }, { userid: {} }, { other: 1 }, { "x-12": "a" }],
  },
  {
    name: "patternProperties without additional",
    schema: { patternProperties: { a: { minimum: 5 } } },
    instances: [{ a: 5 }, { ba: 4 }, { b: 1 }, { banana: "x" }],
  },
  {
    name: "propertyNames",
    schema: { propertyNames: { pattern: "^[a-z]+$", maxLength: 3 } },
    instances: [{}, { abc: 1 }, { abcd: 1 }, { A: 1 }, J('{"__proto__": 1}'), "not an object"],
  },
  {
    name: "propertyNames false",
    schema: { propertyNames: false },
    instances: [{}, { a: 1 }],
  },
  {
    name: "min/maxProperties",
    schema: { minProperties: 1, maxProperties: 2 },
    instances: [{}, { a: 1 }, { a: 1, b: 2 }, { a: 1, b: 2, c: 3 }, [1, 2, 3]],
  },
  {
    name: "items min/max",
    schema: { type: "array", items: { type: "integer" }, minItems: 1, maxItems: 3 },
    instances: [[], [1], [1, 2, 3], [1, 2, 3, 4], [1, "2"], [1.5]],
  },
  {
    name: "tuple additionalItems false",
    schema: { items: [{ type: "string" }, { type: "integer" }], additionalItems: false },
    instances: [[], ["a"], ["a", 1], ["a", 1, 2], [1], ["a", "b"]],
  },
  {
    name: "tuple additionalItems schema",
    schema: { items: [{ const: "head" }], additionalItems: { type: "boolean" } },
    instances: [["head"], ["head", true, false], ["head", 1], ["tail"], []],
  },
  {
    name: "tuple only",
    schema: { items: [true, { type: "null" }] },
    instances: [[1, null], [1, 2], [1, null, "anything"], [1]],
  },
  {
    name: "additionalItems ignored without tuple",
    schema: { items: { type: "integer" }, additionalItems: false },
    instances: [[1, 2, 3], ["a"]],
  },
  {
    name: "uniqueItems",
    schema: { uniqueItems: true },
    instances: [
      [],
      [1, 2, 3],
      [1, 1],
      [1, "1"],
      [0, J("-0")],
      [null, null],
      [true, false],
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
      [{ a: 1 }, { a: 2 }],
      [
        [1, 2],
        [1, 2],
      ],
      [
        [1, 2],
        [2, 1],
      ],
      [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }],
      [{}, []],
      [J('{"__proto__": 1}'), {}],
      [J('{"__proto__": 1}'), J('{"__proto__": 1}')],
    ],
  },
  {
    name: "contains",
    schema: { contains: { type: "integer", minimum: 10 } },
    instances: [[], [1, 2], [1, 10], ["10"], [10.5, 11], "x"],
  },
  { name: "contains true", schema: { contains: true }, instances: [[], [null]] },
  {
    name: "enum mixed",
    schema: { enum: ["a", 1, null, { x: [1, 2] }, [1, "b"], false] },
    instances: ["a", "b", 1, J("1.0"), 2, null, false, true, { x: [1, 2] }, { x: [2, 1] }, [1, "b"], ["b", 1], {}],
  },
  { name: "enum strings", schema: { type: "string", enum: ["red", "green"] }, instances: ["red", "blue", 1] },
  {
    name: "const object",
    schema: { const: { a: 1, b: [true, null] } },
    instances: [{ a: 1, b: [true, null] }, { b: [true, null], a: 1 }, { a: 1 }, { a: 1, b: [true, null], c: 1 }],
  },
  { name: "const primitive", schema: { const: 3 }, instances: [3, J("3.0"), "3"] },
  { name: "const null", schema: { const: null }, instances: [null, false, 0] },
  {
    name: "numeric limits",
    schema: { minimum: 1, maximum: 10, exclusiveMinimum: 1, exclusiveMaximum: 9.5 },
    instances: [1, 1.5, 9.5, 9.4, 10, "5"],
  },
  {
    name: "exclusive only",
    schema: { exclusiveMinimum: -2, exclusiveMaximum: 2 },
    instances: [-2, -1.5, 0, 2, 1.99],
  },
  {
    name: "multipleOf",
    schema: { properties: { a: { multipleOf: 3 }, b: { multipleOf: 0.5 }, c: { multipleOf: 0.25 } } },
    instances: [{ a: 9, b: 1.5, c: 0.75 }, { a: 10 }, { b: 1.25 }, { c: 0.3 }, { a: -3 }, { a: 0 }, { a: 3.5 }],
  },
  {
    name: "string lengths",
    schema: { minLength: 2, maxLength: 3 },
    instances: ["a", "ab", "abcd", "😀", "😀😀", "😀😀😀", "😀😀😀😀", "\ud800", "\ud800\ud800", 5],
  },
  {
    name: "pattern",
    schema: { pattern: "^\\p{Lu}[a-z]*$" },
    instances: ["Abc", "abc", "Ébc", "A1", 1],
  },
  { name: "pattern unanchored", schema: { pattern: "b+" }, instances: ["abbc", "ac"] },
  {
    name: "allOf",
    schema: { allOf: [{ type: "string" }, { minLength: 2 }, true, { maxLength: 3 }] },
    instances: ["ab", "a", "abcd", 1],
  },
  {
    name: "anyOf",
    schema: { anyOf: [{ type: "string", maxLength: 1 }, { type: "integer" }] },
    instances: ["a", "ab", 1, 1.5, null],
  },
  { name: "anyOf trivial", schema: { anyOf: [{ type: "string" }, {}] }, instances: [1, "a"], uniform: true },
  {
    name: "oneOf",
    schema: { oneOf: [{ type: "integer" }, { minimum: 2 }, { type: "string" }] },
    instances: [1, 3, 2.5, 1.5, "a", null],
  },
  { name: "oneOf single", schema: { oneOf: [{ required: ["a"] }] }, instances: [{}, { a: 1 }, 1] },
  { name: "oneOf one trivial", schema: { oneOf: [true, { type: "integer" }] }, instances: [1, "a"] },
  { name: "oneOf two trivial", schema: { oneOf: [true, {}, { type: "integer" }] }, instances: [1, "a"], uniform: true },
  { name: "not", schema: { not: { type: "string" } }, instances: ["a", 1] },
  { name: "not true", schema: { not: {} }, instances: [] },
  { name: "not false", schema: { not: false }, instances: [] },
  {
    name: "if then else",
    schema: {
      if: { properties: { kind: { const: "a" } }, required: ["kind"] },
      then: { required: ["a"] },
      else: { required: ["b"] },
    },
    instances: [{ kind: "a", a: 1 }, { kind: "a", b: 1 }, { kind: "b", b: 1 }, { kind: "b", a: 1 }, {}, { b: 1 }, 5],
  },
  {
    name: "if then only",
    schema: { if: { type: "integer" }, then: { minimum: 5 } },
    instances: [4, 5, 4.5, "x"],
  },
  {
    name: "if else only",
    schema: { if: { type: "integer" }, else: { type: "string" } },
    instances: [4, 4.5, "x"],
  },
  { name: "then without if", schema: { then: false, else: false }, instances: [1] },
  { name: "if false", schema: { if: false, then: false, else: { type: "string" } }, instances: [1, "a"] },
  {
    name: "dependencies",
    schema: {
      dependencies: {
        card: ["billing", "cvv"],
        shipping: { required: ["address"], properties: { address: { type: "string" } } },
        x: [],
      },
    },
    instances: [
      {},
      { card: 1 },
      { card: 1, billing: 1 },
      { card: 1, billing: 1, cvv: 1 },
      { shipping: 1 },
      { shipping: 1, address: 2 },
      { shipping: 1, address: "x" },
      { x: 1 },
      [],
    ],
  },
  {
    name: "recursive definitions",
    schema: tree,
    instances: [
      { value: 1 },
      { value: 1, children: [{ value: 2 }, { value: 3, children: [] }] },
      { value: 1, children: [{ value: 2, children: [{ value: "deep" }] }] },
      { value: 1, extra: true },
      { value: 1, children: [{}] },
    ],
  },
  {
    name: "$defs and root recursion",
    schema: {
      $defs: { positive: { type: "integer", minimum: 1 } },
      type: "object",
      properties: { head: { $ref: "#/$defs/positive" }, tail: { anyOf: [{ type: "null" }, { $ref: "#" }] } },
      required: ["head"],
    },
    instances: [
      { head: 1, tail: null },
      { head: 1, tail: { head: 2, tail: { head: 3 } } },
      { head: 1, tail: { head: 0 } },
      { head: 1, tail: { tail: null } },
    ],
  },
  {
    name: "escaped ref pointer",
    schema: {
      definitions: { "a/b~c": { type: "string" }, "with space": { type: "integer" } },
      properties: { x: { $ref: "#/definitions/a~1b~0c" }, y: { $ref: "#/definitions/with%20space" } },
    },
    instances: [{ x: "s", y: 1 }, { x: 1 }, { y: "s" }],
  },
  { name: "ref into properties", schema: { properties: { a: { type: "string" }, b: { $ref: "#/properties/a" } } }, instances: [{ b: "x" }, { b: 1 }] },
  {
    name: "ref to boolean",
    schema: { definitions: { no: false, yes: true }, properties: { a: { $ref: "#/definitions/no" }, b: { $ref: "#/definitions/yes" } } },
    instances: [{ a: 1 }, { b: 1 }, {}],
  },
  {
    name: "ref chain",
    schema: { definitions: { a: { $ref: "#/definitions/b" }, b: { type: "string" } }, items: { $ref: "#/definitions/a" } },
    instances: [["x"], [1]],
  },
  {
    name: "boolean subschemas",
    schema: { properties: { never: false, always: true }, items: false },
    instances: [{ always: 1 }, { never: 1 }, [], [1]],
  },
  {
    name: "hostile property names",
    schema: {
      type: "object",
      required: HOSTILE_KEYS.slice(0, 6),
      properties: Object.fromEntries(HOSTILE_KEYS.map((k, i) => [k, { type: "integer", minimum: i }])),
      additionalProperties: false,
    },
    instances: [
      Object.fromEntries(HOSTILE_KEYS.map((k, i) => [k, i])),
      J(JSON.stringify(Object.fromEntries(HOSTILE_KEYS.map((k, i) => [k, i])))),
      J(JSON.stringify(Object.fromEntries(HOSTILE_KEYS.map((k, i) => [k, i === 3 ? -1 : i])))),
      J(JSON.stringify(Object.fromEntries(HOSTILE_KEYS.slice(1).map((k, i) => [k, i + 1])))),
      J(JSON.stringify(Object.fromEntries([...HOSTILE_KEYS.map((k, i): [string, number] => [k, i]), ["extra", 1]]))),
      {},
    ],
  },
  {
    name: "hostile enum and const",
    schema: { properties: { e: { enum: HOSTILE }, c: { const: HOSTILE[9] }, o: { const: J('{"__proto__": {"a": 1}, "b": "${x}"}') } } },
    instances: [
      ...HOSTILE.map((h) => ({ e: h })),
      { e: "nope" },
      { c: HOSTILE[9] },
      { c: "*/" },
      { o: J('{"__proto__": {"a": 1}, "b": "${x}"}') },
      { o: J('{"b": "${x}"}') },
      { o: { b: "${x}" } },
    ],
  },
  {
    name: "hostile patterns and dependencies",
    schema: {
      patternProperties: { "^\\$\\{": { type: "string" }, "\\*/": { type: "integer" }, '"\\]': { type: "null" } },
      dependencies: { __proto__: ["constructor"], 'a"b': { required: ["x`y"] } },
      propertyNames: { not: { const: "toString" } },
    },
    instances: [
      J('{"${a": "s"}'),
      J('{"${a": 1}'),
      J('{"a*/b": 1}'),
      J('{"a*/b": "x"}'),
      J('{"\\"]": null}'),
      J('{"\\"]": 1}'),
      J('{"__proto__": 1}'),
      J('{"__proto__": 1, "constructor": 2}'),
      J('{"a\\"b": 1}'),
      J('{"a\\"b": 1, "x`y": 2}'),
      J('{"toString": 1}'),
    ],
  },
  {
    name: "nested objects",
    schema: {
      type: "object",
      properties: {
        items: {
          type: "array",
          items: { type: "object", required: ["name"], properties: { name: { type: "string" }, qty: { type: "integer", minimum: 1 } } },
        },
      },
    },
    instances: [{ items: [{ name: "a" }, { name: "b", qty: 2 }] }, { items: [{ name: "a" }, { name: "b" }, { name: 3 }] }, { items: [{ qty: 0 }] }],
  },
  {
    name: "unsupported keywords are ignored",
    schema: { "x-nullable": true, prefixItems: [{ type: "string" }], dependentRequired: { a: ["b"] }, properties: { a: { type: "integer", foo: 1 } } },
    instances: [{ a: 1 }, { a: "x" }, [1], { a: 1, c: 2 }],
  },
];

// Instances every schema is also tested against.
const POOL: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  1.5,
  2,
  3,
  10,
  100,
  -7.25,
  "",
  "a",
  "abc",
  "ABC",
  "😀😀",
  [],
  [1],
  [1, 1],
  ["a", "b"],
  [{}, {}],
  [null, "x", 3],
  {},
  { a: 1 },
  { name: "x" },
  { a: "b", b: "a" },
  J('{"__proto__": 1}'),
  J('{"constructor": "x", "toString": 2}'),
];

/** Seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function collectStrings(value: unknown, out: Set<string>): void {
  if (typeof value === "string") out.add(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      collectStrings(v, out);
    }
  }
}

function randomInstances(schema: unknown, seed: number, count: number): unknown[] {
  const words = new Set<string>(["a", "b", "abc", "", "x-1", "12", "😀", "head", "kind", "value", "children"]);
  collectStrings(schema, words);
  for (const h of HOSTILE) words.add(h);
  const vocab = [...words];
  const numbers = [-2, -1, 0, 1, 2, 3, 5, 9, 10, 12, 0.5, 1.5, 2.5, 0.75, 9.5, -0.25];
  const next = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const gen = (depth: number): unknown => {
    const r = next();
    if (depth >= 3 || r < 0.35) {
      const p = next();
      if (p < 0.1) return null;
      if (p < 0.2) return next() < 0.5;
      if (p < 0.55) return pick(numbers);
      return pick(vocab);
    }
    if (r < 0.65) {
      const n = Math.floor(next() * 5);
      return Array.from({ length: n }, () => gen(depth + 1));
    }
    const obj: Record<string, unknown> = {};
    const n = Math.floor(next() * 5);
    for (let i = 0; i < n; i++) {
      // defineProperty: an own `__proto__` exactly like JSON.parse makes.
      Object.defineProperty(obj, pick(vocab), { value: gen(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return obj;
  };
  return Array.from({ length: count }, () => gen(0));
}

// ---------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), "json-schema-compiler-"));
const compiled = CASES.map((c, i) => {
  const name = `validateCase${i}`;
  const out = compileValidator(c.schema, name);
  const file = join(dir, `case${i}.ts`);
  writeFileSync(file, out.code);
  return { ...c, fn: name, file, code: out.code, unsupported: out.unsupported };
});

async function load(file: string, name: string): Promise<Validator> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== "function") throw new Error(`${file} does not export ${name}`);
  return fn as Validator;
}

async function compileAndLoad(schema: unknown, tag: string): Promise<Validator> {
  const name = `validate_${tag}`;
  const file = join(dir, `${tag}.ts`);
  writeFileSync(file, compileValidator(schema, name).code);
  return load(file, name);
}

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

test("differential: verdicts agree with ajv on every table schema", async () => {
  // ownProperties: ajv otherwise sees inherited members (e.g. `__proto__`) as present.
  const ajv = new Ajv({ allErrors: false, strict: false, ownProperties: true });
  let checked = 0;
  let ajvCrashed = 0;
  const mismatches: string[] = [];
  for (const [i, c] of compiled.entries()) {
    const ours = await load(c.file, c.fn);
    const theirs = ajv.compile(c.schema as object | boolean);
    const instances = [...c.instances, ...POOL, ...randomInstances(c.schema, 1000 + i, 150)];
    for (const instance of instances) {
      const result = ours(instance);
      assert.ok(result === null || typeof result === "string", `${c.name}: returns string | null`);
      let expected: boolean;
      try {
        expected = theirs(instance) === true;
      } catch {
        // ajv's deep-equal (fast-deep-equal) calls an own `toString`/`valueOf` member and throws;
        // those instances are covered by hand-written expectations below.
        ajvCrashed++;
        continue;
      }
      checked++;
      if ((result === null) !== expected) {
        mismatches.push(`${c.name}: ${show(instance)} → ours ${show(result)}, ajv ${expected ? "valid" : "invalid"}`);
      }
    }
  }
  assert.equal(mismatches.slice(0, 20), [], `${mismatches.length} mismatches`);
  assert.ok(checked > CASES.length * 150);
  assert.ok(ajvCrashed < checked / 100, `ajv crashed on ${ajvCrashed} instances`);
  assert.is((globalThis as Record<string, unknown>)["pwned"], undefined, "schema text executed as code");
});

test("differential: hand-picked instances have the expected verdict shape", async () => {
  // A sanity check that the table is not vacuous: each non-trivial case has both outcomes.
  for (const c of compiled) {
    if (c.instances.length < 2) continue;
    const v = await load(c.file, c.fn);
    const verdicts = new Set(c.instances.map((x) => v(x) === null));
    if (c.uniform === true) assert.is(verdicts.size, 1, c.name);
    else assert.is(verdicts.size, 2, `${c.name}: hand-picked instances should include valid and invalid ones`);
  }
});

test("generated code type-checks with strict + noUncheckedIndexedAccess", () => {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitReturns: true,
      noUnusedLocals: true,
      noFallthroughCasesInSwitch: true,
      noPropertyAccessFromIndexSignature: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
    },
  });
  for (const c of compiled) project.createSourceFile(`/gen/${c.fn}.ts`, c.code);
  const diagnostics = project.getPreEmitDiagnostics();
  const text = project.formatDiagnosticsWithColorAndContext(diagnostics.slice(0, 5));
  assert.is(diagnostics.length, 0, text);
});

test("generated code has no `any`, no @ts- directives and no schema text in comments", () => {
  const project = new Project({ useInMemoryFileSystem: true });
  for (const c of compiled) {
    const sf = project.createSourceFile(`/gen/${c.fn}.ts`, c.code);
    assert.is(sf.getDescendantsOfKind(SyntaxKind.AnyKeyword).length, 0, `${c.name}: any keyword`);
    if (!/\bany\b/.test(JSON.stringify(c.schema))) assert.not.match(c.code, /\bany\b/, `${c.name}: "any" in code`);
    assert.not.ok(c.code.includes("@ts-"), `${c.name}: @ts- directive`);
    // No comments at all: schema text never lands in one.
    const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, c.code);
    const comments: string[] = [];
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
      if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) {
        comments.push(scanner.getTokenText());
      }
      // Regex literals: let the scanner re-scan after `/` in expression position.
      if (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) scanner.reScanSlashToken();
    }
    assert.equal(comments, [], c.name);
  }
});

test("generated module exports exactly the named validator", async () => {
  const project = new Project({ useInMemoryFileSystem: true });
  for (const c of compiled) {
    const sf = project.createSourceFile(`/gen/x${c.fn}.ts`, c.code);
    assert.equal([...sf.getExportedDeclarations().keys()], [c.fn], c.name);
  }
});

test("hostile strings are embedded exactly and never executed", async () => {
  const schema = {
    type: "object",
    properties: Object.fromEntries(HOSTILE.map((k) => [k, { enum: HOSTILE, pattern: k === "" ? "^$|." : "^" }])),
  };
  const v = await compileAndLoad(schema, "hostile");
  for (const h of HOSTILE) {
    assert.is(v(J(JSON.stringify({ [h]: h }))), null, `property ${JSON.stringify(h)} with its own name as value`);
    const bad = J(JSON.stringify({ [h]: "not in enum" }));
    const msg = v(bad);
    const pointer = "/" + h.replace(/~/g, "~0").replace(/\//g, "~1");
    assert.is(msg, `${pointer}: must be equal to one of the allowed values`);
  }
  assert.is(v({}), null, "missing optional properties: no prototype lookups");
  assert.is((globalThis as Record<string, unknown>)["pwned"], undefined);
});

test("error messages carry the JSON pointer of the first failure", async () => {
  const v = await compileAndLoad(
    {
      type: "object",
      required: ["items"],
      properties: {
        items: {
          type: "array",
          items: { type: "object", properties: { name: { type: "string" } } },
        },
        "a/b~c": { type: "integer" },
        user: { type: "object", required: ["id"], additionalProperties: false, properties: { id: {} } },
        tags: { uniqueItems: true },
        tuple: { items: [{}, { type: "string" }], additionalItems: false },
        dict: { additionalProperties: { type: "boolean" }, propertyNames: { maxLength: 3 } },
      },
    },
    "pointers",
  );
  assert.is(v(5), "body: must be an object");
  assert.is(v([]), "body: must be an object");
  assert.is(v({}), 'body: must have required property "items"');
  assert.is(v({ items: [{ name: "a" }, { name: "b" }, { name: 3 }] }), "/items/2/name: must be a string");
  assert.is(v({ items: {} }), "/items: must be an array");
  assert.is(v({ items: [], "a/b~c": "x" }), "/a~1b~0c: must be an integer");
  assert.is(v({ items: [], user: {} }), '/user: must have required property "id"');
  assert.is(v({ items: [], user: { id: 1, "x/y": 2 } }), "/user/x~1y: must NOT be an additional property");
  assert.is(v({ items: [], tags: [1, 2, 1] }), "/tags/2: must NOT be a duplicate of item 0");
  assert.is(v({ items: [], tuple: [1, 2] }), "/tuple/1: must be a string");
  assert.is(v({ items: [], tuple: [1, "a", 3] }), "/tuple: must NOT have more than 2 items");
  assert.is(v({ items: [], dict: { ok: "yes" } }), "/dict/ok: must be a boolean");
  assert.is(v({ items: [], dict: { long: true } }), "/dict/long: is not a valid property name");
  assert.is(v({ items: [{ name: "a" }] }), null);

  const root = await compileAndLoad({ type: "string", maxLength: 1 }, "rootString");
  assert.is(root(1), "body: must be a string");
  assert.is(root("ab"), "body: must NOT have more than 1 characters");
  const nullable = await compileAndLoad({ type: ["object", "null"] }, "rootNullable");
  assert.is(nullable(1), "body: must be an object or null");
});

test("unsupported keywords are reported with their schema pointers and ignored", async () => {
  const schema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://example.com/body.json",
    title: "t",
    description: "d",
    default: {},
    examples: [{}],
    $comment: "c",
    nullable: true,
    type: "object",
    properties: {
      x: { type: "string", foo: 1, readOnly: true, format: "hostname" },
      "a/b": { "x~y": 1, unevaluatedProperties: false },
      re: { pattern: "(?i)abc" },
      ok: { pattern: "^a", format: "email" },
      remote: { $ref: "https://example.com/other.json#/x" },
      anchor: { $ref: "#foo" },
      local: { $ref: "#/definitions/used" },
    },
    patternProperties: { "\\-bad": { type: "string" } },
    additionalProperties: false,
    definitions: {
      used: { type: "integer", exotic: 1 },
      unused: { alsoExotic: 1 },
    },
    dependentRequired: { a: ["b"] },
    minContains: 1,
  };
  const out = compileValidator(schema, "validateUnsupported");
  assert.equal(out.unsupported, [
    "/nullable",
    "/dependentRequired",
    "/minContains",
    "/properties/x/foo",
    "/properties/x/format",
    "/properties/a~1b/x~0y",
    "/properties/a~1b/unevaluatedProperties",
    "/properties/re/pattern",
    "/properties/remote/$ref",
    "/properties/anchor/$ref",
    "/definitions/used/exotic",
    "/patternProperties/\\-bad",
    "/additionalProperties",
  ]);
  const v = await compileAndLoad(schema, "unsupported");
  // Unsupported parts are skipped: the rest still validates, and nothing is rejected because of them.
  assert.is(v({ x: "not a hostname!", re: "zzz", remote: 1, anchor: 1, other: 1, "-bad": 1 }), null);
  assert.is(v({ x: 1 }), "/x: must be a string");
  assert.is(v({ ok: "abob" }), "/ok: must be a valid email");
  assert.is(v({ local: 1.5 }), "/local: must be an integer");
  assert.equal(compileValidator({ type: "string" }, "v").unsupported, []);
});

test("$ref siblings are ignored (draft-07, as gojsonschema/KrakenD do)", async () => {
  const v = await compileAndLoad(
    { definitions: { s: { type: "string" } }, properties: { a: { $ref: "#/definitions/s", minLength: 5, foo: 1 } } },
    "refSiblings",
  );
  assert.is(v({ a: "ab" }), null);
  assert.is(v({ a: 1 }), "/a: must be a string");
  const root = await compileAndLoad({ $ref: "#/definitions/s", type: "object", definitions: { s: { type: "string" } } }, "refRoot");
  assert.is(root("x"), null);
  assert.is(root({}), "body: must be a string");
  assert.equal(compileValidator({ properties: { a: { $ref: "#", foo: 1 } } }, "v").unsupported, []);
});

test("draft-04 boolean exclusiveMinimum/exclusiveMaximum", async () => {
  const v = await compileAndLoad(
    {
      properties: {
        a: { minimum: 1, exclusiveMinimum: true, maximum: 5, exclusiveMaximum: true },
        b: { minimum: 1, exclusiveMinimum: false, maximum: 5, exclusiveMaximum: false },
        c: { exclusiveMinimum: true },
      },
    },
    "draft4",
  );
  assert.is(v({ a: 1 }), "/a: must be > 1");
  assert.is(v({ a: 5 }), "/a: must be < 5");
  assert.is(v({ a: 1.01 }), null);
  assert.is(v({ b: 1 }), null);
  assert.is(v({ b: 5 }), null);
  assert.is(v({ b: 0 }), "/b: must be >= 1");
  assert.is(v({ b: 6 }), "/b: must be <= 5");
  assert.is(v({ c: -100 }), null);
});

test("multipleOf is exact on decimals (like gojsonschema's big.Rat)", async () => {
  const v = await compileAndLoad(
    { properties: { t: { multipleOf: 0.1 }, c: { multipleOf: 0.01 }, i: { multipleOf: 7 }, e: { multipleOf: 1e-8 } } },
    "multipleOf",
  );
  for (const ok of [0.3, 0.7, 1.1, -0.3, 0, 12345.6]) assert.is(v({ t: ok }), null, `${ok} multipleOf 0.1`);
  for (const bad of [0.35, 0.01, 1e-7]) assert.is(v({ t: bad }), "/t: must be a multiple of 0.1", `${bad}`);
  for (const ok of [19.99, 0.07, 1e21, 100]) assert.is(v({ c: ok }), null, `${ok} multipleOf 0.01`);
  assert.is(v({ c: 0.001 }), "/c: must be a multiple of 0.01");
  assert.is(v({ i: 49 }), null);
  assert.is(v({ i: 50 }), "/i: must be a multiple of 7");
  assert.is(v({ i: 7e300 }), null);
  assert.is(v({ i: 7.5 }), "/i: must be a multiple of 7");
  assert.is(v({ e: 1e-7 }), null);
  assert.is(v({ e: 3e-8 }), null);
  assert.is(v({ e: 1.5e-8 }), "/e: must be a multiple of 1e-8");
});

test("enum/const/uniqueItems compare instances with own toString/valueOf members", async () => {
  const v = await compileAndLoad(
    {
      properties: {
        e: { enum: [{ toString: 1 }, { valueOf: "x" }] },
        c: { const: { toString: [1], a: 1 } },
        u: { uniqueItems: true },
      },
    },
    "ownMembers",
  );
  assert.is(v(J('{"e": {"toString": 1}}')), null);
  assert.is(v(J('{"e": {"valueOf": "x"}}')), null);
  assert.is(v(J('{"e": {"toString": 2}}')), "/e: must be equal to one of the allowed values");
  assert.is(v(J('{"e": {}}')), "/e: must be equal to one of the allowed values");
  assert.is(v(J('{"c": {"a": 1, "toString": [1]}}')), null);
  assert.is(v(J('{"c": {"a": 1, "toString": [2]}}')), "/c: must be equal to the constant");
  assert.is(v(J('{"u": [{"toString": 1}, {"toString": 2}]}')), null);
  assert.is(v(J('{"u": [{"valueOf": 1}, {"valueOf": 1}]}')), "/u/1: must NOT be a duplicate of item 0");
  assert.is(v(J('{"u": [{"__proto__": 1}, {"__proto__": 1}]}')), "/u/1: must NOT be a duplicate of item 0");
  assert.is(v(J('{"u": [{"__proto__": 1}, {}]}')), null);
});

test("maxLength/minLength count code points", async () => {
  const v = await compileAndLoad({ minLength: 2, maxLength: 2 }, "lengths");
  assert.is(v("😀😀"), null);
  assert.is(v("😀"), "body: must NOT have fewer than 2 characters");
  assert.is(v("a😀b"), "body: must NOT have more than 2 characters");
  assert.is(v("\ud800\udc00"), "body: must NOT have fewer than 2 characters");
  assert.is(v("\udc00\ud800"), null, "unpaired surrogates count one each");
});

test("formats", async () => {
  const v = await compileAndLoad(
    {
      properties: {
        email: { format: "email" },
        dateTime: { format: "date-time" },
        date: { format: "date" },
        uuid: { format: "uuid" },
        ipv4: { format: "ipv4" },
        uri: { format: "uri" },
      },
    },
    "formats",
  );
  const cases: [string, unknown, boolean][] = [
    ["email", "joe@example.com", true],
    ["email", "first.last+tag@sub.example.co.uk", true],
    ["email", "joe@localhost", true],
    ["email", "joe", false],
    ["email", "joe@", false],
    ["email", "@example.com", false],
    ["email", "jo e@example.com", false],
    ["email", "joe@-example.com", false],
    ["email", 42, true],
    ["dateTime", "2024-02-29T12:30:00Z", true],
    ["dateTime", "2024-02-29T12:30:00.123+02:00", true],
    ["dateTime", "2024-02-29t12:30:00z", true],
    ["dateTime", "2023-02-29T12:30:00Z", false],
    ["dateTime", "2024-01-01T24:00:00Z", false],
    ["dateTime", "2024-01-01T12:60:00Z", false],
    ["dateTime", "2024-01-01T12:00:00", false],
    ["dateTime", "2024-01-01 12:00:00Z", false],
    ["dateTime", "2024-01-01", false],
    ["date", "2024-02-29", true],
    ["date", "2000-02-29", true],
    ["date", "1900-02-29", false],
    ["date", "2024-13-01", false],
    ["date", "2024-04-31", false],
    ["date", "2024-00-10", false],
    ["date", "2024-1-1", false],
    ["date", "2024-01-01T00:00:00Z", false],
    ["uuid", "123e4567-e89b-12d3-a456-426614174000", true],
    ["uuid", "123E4567-E89B-12D3-A456-426614174000", true],
    ["uuid", "123e4567e89b12d3a456426614174000", false],
    ["uuid", "123e4567-e89b-12d3-a456-42661417400g", false],
    ["ipv4", "192.168.0.1", true],
    ["ipv4", "0.0.0.0", true],
    ["ipv4", "255.255.255.255", true],
    ["ipv4", "256.1.1.1", false],
    ["ipv4", "01.1.1.1", false],
    ["ipv4", "1.1.1", false],
    ["ipv4", "1.1.1.1 ", false],
    ["uri", "https://example.com/a?b=c#d", true],
    ["uri", "urn:isbn:0451450523", true],
    ["uri", "mailto:joe@example.com", true],
    ["uri", "/relative/path", false],
    ["uri", "example.com", false],
    ["uri", "http://exa mple.com", false],
    ["uri", "1http://x", false],
  ];
  for (const [prop, value, ok] of cases) {
    const result = v({ [prop]: value });
    if (ok) assert.is(result, null, `${prop} ${show(value)} should be valid`);
    else assert.is(result, `/${prop}: must be a valid ${prop === "dateTime" ? "date-time" : prop}`, `${prop} ${show(value)}`);
  }
});

test("deterministic output", () => {
  for (const c of CASES) {
    const a = compileValidator(c.schema, "validateX");
    const b = compileValidator(structuredClone(c.schema), "validateX");
    assert.is(a.code, b.code, c.name);
    assert.equal(a.unsupported, b.unsupported, c.name);
  }
});

test("helpers and subschemas are emitted once and namespaced by the function name", () => {
  const { code } = compileValidator(
    {
      properties: {
        a: { type: "string" },
        b: { type: "string" },
        c: { enum: [{ x: 1 }] },
        d: { const: [1] },
        e: { uniqueItems: true },
        f: { pattern: "^x" },
        g: { pattern: "^x" },
      },
    },
    "validateBody",
  );
  assert.is(code.match(/^function validateBody_equal\(/gm)?.length, 1);
  assert.is(code.match(/new RegExp\(/g)?.length, 1, "identical patterns share one hoisted RegExp");
  assert.is(code.match(/must be a string/g)?.length, 1, "identical subschemas share one function");
  for (const m of code.matchAll(/^(?:function|const) ([A-Za-z0-9_$]+)/gm)) {
    assert.ok(m[1]?.startsWith("validateBody_"), `${m[1]} is namespaced`);
  }
  // Two validators can live in one module.
  const both =
    compileValidator({ uniqueItems: true }, "validateA").code +
    compileValidator({ uniqueItems: true }, "validateB").code +
    compileValidator({ items: { $ref: "#" }, pattern: "^a" }, "$validate$C").code;
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022 } });
  project.createSourceFile("/both.ts", both);
  const diagnostics = project.getPreEmitDiagnostics();
  assert.is(diagnostics.length, 0, project.formatDiagnosticsWithColorAndContext(diagnostics));
});

test("malformed schemas throw JsonSchemaCompileError with a pointer", () => {
  const bad: [unknown, string][] = [
    [{ type: "strnig" }, "/type"],
    [{ type: [] }, "/type"],
    [{ minLength: "3" }, "/minLength"],
    [{ maxItems: -1 }, "/maxItems"],
    [{ properties: { a: { minimum: "0" } } }, "/properties/a/minimum"],
    [{ properties: [] }, "/properties"],
    [{ required: "a" }, "/required"],
    [{ multipleOf: 0 }, "/multipleOf"],
    [{ enum: "a" }, "/enum"],
    [{ enum: [] }, "/enum"],
    [{ anyOf: [] }, "/anyOf"],
    [{ items: [1] }, "/items/0"],
    [{ $ref: "#/definitions/missing" }, "/$ref"],
    [{ properties: { a: { $ref: 5 } } }, "/properties/a/$ref"],
    [{ definitions: { a: { $ref: "#/definitions/b" }, b: { $ref: "#/definitions/a" } }, $ref: "#/definitions/a" }, "/$ref"],
    [{ exclusiveMinimum: "1" }, "/exclusiveMinimum"],
    [{ dependencies: { a: [1] } }, "/dependencies/a"],
    [{ pattern: 1 }, "/pattern"],
    [[], ""],
    ["string", ""],
  ];
  for (const [schema, pointer] of bad) {
    try {
      compileValidator(schema, "v");
      assert.unreachable(`${show(schema)} should throw`);
    } catch (err) {
      assert.instance(err, JsonSchemaCompileError, show(schema));
      assert.is((err as JsonSchemaCompileError).pointer, pointer, show(schema));
    }
  }
  assert.throws(() => compileValidator({}, "not-an-identifier"), /not a valid function name/);
  assert.throws(() => compileValidator({}, "delete"), /not a valid function name/);
  assert.throws(() => compileValidator({}, 'x"); evil("'), /not a valid function name/);
});

test("tsLiteral", () => {
  assert.is(tsLiteral("a\u2028b\u2029"), '"a\\u2028b\\u2029"');
  assert.is(tsLiteral('q"`${x}*/\n\u0000'), '"q\\"`${x}*/\\n\\u0000"');
  assert.is(tsLiteral(-0), "0");
  assert.is(tsLiteral([1, "a", null, true]), '[1, "a", null, true]');
  const value = J('{"__proto__": {"polluted": true}, "b": ["\\u2028", {"c": null}]}');
  const text = tsLiteral(value);
  assert.ok(!text.includes("\u2028"));
  const back = new Function(`return ${text};`)() as Record<string, unknown>;
  assert.ok(Object.hasOwn(back, "__proto__"), "own __proto__ survives");
  assert.is(Object.getPrototypeOf(back), Object.prototype);
  assert.equal(JSON.stringify(back), JSON.stringify(value));
  assert.is(({} as Record<string, unknown>)["polluted"], undefined);
  assert.throws(() => tsLiteral(undefined));
  assert.throws(() => tsLiteral(Number.NaN));
  assert.throws(() => tsLiteral(() => 1));
  assert.throws(() => tsLiteral(new Date(0)));
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(() => tsLiteral(cyclic));
});

test.run();
