// Phase 1, load: the duplicate-key check's fast path. JSON.parse keeps one of each duplicated
// key, so a parsed value has fewer keys than its text spells out exactly when a key is repeated;
// only then does the slow, exact pass (jsonc-parser) run to say where. These tests hold the
// counting to that promise, on hand-picked traps and on generated documents.
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { keysInText, keysInValue, load } from "../generator/pipeline/load.js";

const SEED = 20261125;

function duplicates(text: string): string[] {
  return load(text, "krakend.json")
    .diagnostics.filter((d) => d.code === "AG002")
    .map((d) => d.pointer);
}

test("keysInText: a key is a string followed by ':', whatever the string holds or the spacing", () => {
  const cases: [string, number][] = [
    ["{}", 0],
    ['{"a":1}', 1],
    ['{"a" \n\t\r :1}', 1],
    ['{"a":"b:"}', 1],
    ['{"a":"\\"b\\":c"}', 1], // an escaped quote and a colon inside a value
    ['{"a\\\\":1,"b":2}', 2], // an escaped backslash right before the closing quote
    ['{"a\\\\\\"":1}', 1], // \\ then \" inside a key
    ['["a", "b", {"c": ["d", {"e": "f"}]}]', 2],
    ['{"__proto__":{"x":1},"constructor":2}', 3],
    ['"just a string: with a colon"', 0],
    ['{"é\\u00e9😀":{"":""}}', 2],
  ];
  for (const [text, keys] of cases) {
    assert.is(keysInText(text), keys, text);
    assert.is(keysInValue(JSON.parse(text)), keys, `${text} (parsed)`);
  }
});

test("keysInValue counts __proto__ as the own key JSON.parse makes it", () => {
  assert.is(keysInValue(JSON.parse('{"__proto__":{"a":{"b":1}}}')), 3);
});

test("duplicate keys: found at any depth, with their pointer; none reported for a document without", () => {
  assert.equal(duplicates('{"a":1,"a":2}'), ["/a"]);
  assert.equal(duplicates('{"x":[{"k":1},{"k":1,"k":2}]}'), ["/x/1/k"]);
  assert.equal(duplicates('{"a":{"b":1},"c":{"b":1}}'), []);
  // Escaping spells the same key two ways: still a duplicate, as in Go.
  assert.equal(duplicates('{"a":1,"\\u0061":2}'), ["/a"]);
});

test("duplicate keys are found even when a library has added an enumerable property to Object.prototype", () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto["polluted"] = { nested: 1 };
  try {
    assert.equal(duplicates('{"a":1,"a":2}'), ["/a"]);
    assert.equal(duplicates('{"a":{"b":1}}'), []);
  } finally {
    delete proto["polluted"];
  }
});

test("property: for any JSON document, the text and its parsed value count the same keys", () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 4 }), (value, indent) => {
      const text = JSON.stringify(value, null, indent);
      assert.is(keysInText(text), keysInValue(JSON.parse(text)));
      assert.equal(duplicates(text), []);
    }),
    { seed: SEED, numRuns: 1000 },
  );
});

/** A JSON object written by hand from its entries, so that a key may appear twice. */
type Doc = { entries: [string, Doc | number][] };
const doc: fc.Arbitrary<Doc> = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.record({
    entries: fc.array(fc.tuple(fc.constantFrom("a", "b", "c", 'q"', "\\", "__proto__"), fc.oneof({ depthSize: "small" }, fc.nat(9), tie("doc"))), {
      maxLength: 4,
    }),
  }),
})).doc;

function render(d: Doc): string {
  return `{${d.entries.map(([k, v]) => `${JSON.stringify(k)} : ${typeof v === "number" ? v : render(v)}`).join(",\n")}}`;
}

function hasDuplicate(d: Doc): boolean {
  const keys = d.entries.map(([k]) => k);
  return new Set(keys).size < keys.length || d.entries.some(([, v]) => typeof v !== "number" && hasDuplicate(v));
}

test("property: a document has a duplicate-key warning exactly when some object repeats a key", () => {
  fc.assert(
    fc.property(doc, (d) => {
      const text = render(d);
      assert.is(duplicates(text).length > 0, hasDuplicate(d), text);
    }),
    { seed: SEED, numRuns: 2000 },
  );
});

test.run();
