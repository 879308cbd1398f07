// The published schemas in an editor: schema/krakend.schema.json and schema/amqp-producer.schema.json
// run through vscode-json-languageservice, the engine of VS Code's built-in JSON support (its
// language server is a thin wrapper around it). The service is configured the way VS Code's
// language server configures it for a `json` document, and it never touches the network.
//
// Three setups stand for the three ways a user attaches the schema. Each one is exercised on
// every fixture:
//  - "json.schemas by $id": both schemas registered under their `$id`, the krakend one with
//    `fileMatch`, and their content served from schema/ by the schemaRequestService.
//  - "json.schemas url": the README's `.vscode/settings.json` entry. VS Code joins a url starting
//    with `.` to the workspace folder, so the schema is registered under the file URI of
//    node_modules/amqp-gen/schema/krakend.schema.json.
//  - "$schema line": the README's `"$schema": "./node_modules/amqp-gen/schema/krakend.schema.json"`,
//    which the service resolves relative to the document's URI.
// A document's `$schema` property takes precedence over every `json.schemas` association (tested
// below), so the two json.schemas setups neutralise the fixtures' KrakenD `$schema` line. They rename
// its key to `_schema`, which has the same length, so every position stays where the fixture's
// expected-diagnostics.json says it is.
//
// The workspace is a temporary folder with the package's `schema/` and package.json copied to
// node_modules/amqp-gen, as `npm i amqp-gen` would leave them.
//
// krakend.schema.json `$ref`s the producer schema by its absolute `$id` URL. The language service
// does not index schemas by `$id`: it fetches every `$ref` URL through the schemaRequestService. In
// VS Code that means downloading https://amqp-gen.dev/schema/v1/amqp-producer.schema.json. The
// schemaRequestService here serves the `$id` URLs from schema/ ("served", as if they were
// published there). The last tests pin what happens when they are not ("unreachable").
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findNodeAtLocation, parseTree } from "jsonc-parser";
import { test } from "uvu";
import * as assert from "uvu/assert";
// The package is UMD (CommonJS). Node's named-export detection misses its re-exported values
// (ClientCapabilities, DiagnosticSeverity, ...), so take them from the default export.
import jsonls from "vscode-json-languageservice";
import type { CompletionItem, Diagnostic, DocumentLanguageSettings, LanguageService, SchemaConfiguration } from "vscode-json-languageservice";
import { TextDocument } from "vscode-languageserver-textdocument";

const { getLanguageService, ClientCapabilities, CompletionItemKind, DiagnosticSeverity } = jsonls;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const KRAKEND_ID = "https://amqp-gen.dev/schema/v1/krakend.schema.json";
const PRODUCER_ID = "https://amqp-gen.dev/schema/v1/amqp-producer.schema.json";
const ID_BASE = "https://amqp-gen.dev/schema/v1/";
const PRODUCER_KEY = "backend/amqp/producer";
const LEGACY_KEY = "github.com/devopsfaith/krakend-amqp/produce";

/** The README's `"$schema"` value and `json.schemas` entry. */
const SCHEMA_PATH = "./node_modules/amqp-gen/schema/krakend.schema.json";
const FILE_MATCH = ["krakend.json", "**/krakend*.json"];

/** What VS Code's language server passes for a document of language id `json` (not `jsonc`). */
const JSON_DOCUMENT_SETTINGS: DocumentLanguageSettings = { comments: "error", trailingCommas: "error" };

interface PropertySchema {
  description?: string;
  enum?: unknown[];
}
interface ObjectSchema {
  properties: Record<string, PropertySchema>;
}
const producerSchema = JSON.parse(readFileSync(join(ROOT, "schema/amqp-producer.schema.json"), "utf8")) as ObjectSchema;
const krakendSchema = JSON.parse(readFileSync(join(ROOT, "schema/krakend.schema.json"), "utf8")) as ObjectSchema;

/** The producer fields an editor must offer, with the schema's description as documentation. */
const PRODUCER_FIELDS = [
  "name",
  "exchange",
  "routing_key",
  "static_routing_key",
  "durable",
  "delete",
  "exclusive",
  "no_wait",
  "mandatory",
  "immediate",
  "exp_key",
  "reply_to_key",
  "msg_id_key",
  "priority_key",
  "max_retries",
  "backoff_strategy",
  "prefetch_count",
  "prefetch_size",
  "no_local",
  "@amqp-gen",
];

function description(schema: ObjectSchema, field: string): string {
  const text = schema.properties[field]?.description;
  if (typeof text !== "string" || text === "") throw new Error(`schema property ${field} has no description`);
  return text;
}

// ---------------------------------------------------------------------------------------------
// The workspace and the language service

const workspace = mkdtempSync(join(tmpdir(), "amqp-gen-editor-"));
mkdirSync(join(workspace, "node_modules/amqp-gen"), { recursive: true });
cpSync(join(ROOT, "schema"), join(workspace, "node_modules/amqp-gen/schema"), { recursive: true });
cpSync(join(ROOT, "package.json"), join(workspace, "node_modules/amqp-gen/package.json"));
test.after(() => rmSync(workspace, { recursive: true, force: true }));

const WORKSPACE_URI = pathToFileURL(workspace).href;
/** Every document is opened as `<workspace>/krakend.json` unless a test says otherwise. */
const DOC_URI = `${WORKSPACE_URI}/krakend.json`;
/** The schema file the README's `$schema` line and `json.schemas` url point at, as a URI. */
const INSTALLED_SCHEMA_URI = `${WORKSPACE_URI}/node_modules/amqp-gen/schema/krakend.schema.json`;

type Ids = "served" | "unreachable";

interface Setup {
  name: string;
  /** What the `json.schemas` setting becomes in the language server. */
  schemas: SchemaConfiguration[];
  /** The document as a user of this setup has it. */
  prepare(text: string): string;
}

const SETUPS: Setup[] = [
  {
    name: "json.schemas by $id",
    schemas: [{ uri: KRAKEND_ID, fileMatch: FILE_MATCH }, { uri: PRODUCER_ID }],
    prepare: withoutSchemaLine,
  },
  {
    name: "json.schemas url",
    schemas: [{ uri: INSTALLED_SCHEMA_URI, fileMatch: FILE_MATCH, folderUri: WORKSPACE_URI }],
    prepare: withoutSchemaLine,
  },
  { name: "$schema line", schemas: [], prepare: withSchemaLine },
];
const [BY_ID, BY_URL, BY_SCHEMA_LINE] = SETUPS as [Setup, Setup, Setup];

interface Service {
  ls: LanguageService;
  /** Every URI the service asked the schemaRequestService for, in order. */
  requested: string[];
}

function service(schemas: SchemaConfiguration[], ids: Ids = "served"): Service {
  const requested: string[] = [];
  const ls = getLanguageService({
    schemaRequestService: async (uri) => {
      requested.push(uri);
      if (uri.startsWith("file:")) return readFileSync(fileURLToPath(uri), "utf8");
      if (ids === "served" && uri.startsWith(ID_BASE)) {
        return readFileSync(join(ROOT, "schema", uri.slice(ID_BASE.length)), "utf8");
      }
      throw new Error(`no network in tests: ${uri}`);
    },
    // What VS Code's JSON server does: a relative `$schema` or `$ref` is resolved against the
    // URI of the document (or schema) that holds it.
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).href },
    clientCapabilities: ClientCapabilities.LATEST,
  });
  ls.configure({ validate: true, allowComments: false, schemas });
  return { ls, requested };
}

function open(text: string, uri = DOC_URI): TextDocument {
  return TextDocument.create(uri, "json", 1, text);
}

async function diagnose(setup: Setup, text: string, ids: Ids = "served", uri = DOC_URI): Promise<Diagnostic[]> {
  const { ls } = service(setup.schemas, ids);
  const doc = open(text, uri);
  return ls.doValidation(doc, ls.parseJSONDocument(doc), JSON_DOCUMENT_SETTINGS);
}

// ---------------------------------------------------------------------------------------------
// Documents

/** The root `$schema` property of `text`, located with the parser amqp-gen itself uses. */
function rootSchemaProperty(text: string): { keyOffset: number; valueOffset: number; valueLength: number } | undefined {
  const root = parseTree(text);
  const value = root && findNodeAtLocation(root, ["$schema"]);
  const key = value?.parent?.children?.[0];
  if (!value || !key) return undefined;
  return { keyOffset: key.offset, valueOffset: value.offset, valueLength: value.length };
}

/** `text` without a `$schema` property: its key becomes `_schema` (same length, same positions). */
function withoutSchemaLine(text: string): string {
  const found = rootSchemaProperty(text);
  if (!found) return text;
  return `${text.slice(0, found.keyOffset)}"_schema"${text.slice(found.keyOffset + '"$schema"'.length)}`;
}

/** `text` with the README's `$schema` line: the value is replaced, or the property is added on line 1. */
function withSchemaLine(text: string): string {
  const value = JSON.stringify(SCHEMA_PATH);
  const found = rootSchemaProperty(text);
  if (found) return `${text.slice(0, found.valueOffset)}${value}${text.slice(found.valueOffset + found.valueLength)}`;
  const brace = text.indexOf("{");
  return `${text.slice(0, brace + 1)} "$schema": ${value},${text.slice(brace + 1)}`;
}

/** A version-3 config whose only backend holds `{ <block> }` under `key`; `endpointExtra` goes in the endpoint. */
function config(key: string, block: string, endpointExtra = ""): string {
  return `{
  "version": 3,
  "endpoints": [
    {
      "endpoint": "/produce/{route}",
      "method": "POST",${endpointExtra}
      "backend": [
        {
          "host": ["amqp://guest:guest@127.0.0.1:5672"],
          "disable_host_sanitize": true,
          "extra_config": {
            ${JSON.stringify(key)}: {${block}}
          }
        }
      ]
    }
  ]
}
`;
}

const MINIMAL = `"name": "q", "exchange": "ex", "routing_key": "Route"`;

/** Offset of `target` inside the only occurrence of `needle` in `text`. */
function spot(text: string, needle: string, target = needle): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the document`);
  assert.is(text.indexOf(needle, at + 1), -1, `${needle} occurs twice in the document`);
  const inner = needle.indexOf(target);
  assert.ok(inner >= 0, `${target} not in ${needle}`);
  return at + inner;
}

const CURSOR = "¦";
/** The document without its cursor mark, and the cursor's position. */
function withCursor(marked: string): { doc: TextDocument; offset: number } {
  const offset = marked.indexOf(CURSOR);
  assert.ok(offset >= 0, "no cursor in the document");
  return { doc: open(marked.slice(0, offset) + marked.slice(offset + CURSOR.length)), offset };
}

/** A diagnostic's message (LSP allows markup; this service always sends a string). */
function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
}

function show(diagnostics: Diagnostic[]): string {
  if (diagnostics.length === 0) return "(none)";
  return diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} severity ${d.severity} ${messageOf(d)}`).join("\n");
}

// ---------------------------------------------------------------------------------------------
// Fixtures

interface Expected {
  code: string;
  line: number;
  column: number;
  pointer: string;
}

const FIXTURES = readdirSync(join(ROOT, "fixtures"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const VALID = FIXTURES.filter((name) => !name.startsWith("error-"));

function fixtureText(name: string): string {
  return readFileSync(join(ROOT, "fixtures", name, "krakend.json"), "utf8");
}
function expectedDiagnostics(name: string): Expected[] {
  return JSON.parse(readFileSync(join(ROOT, "fixtures", name, "expected-diagnostics.json"), "utf8")) as Expected[];
}

/**
 * The invalid fixtures a schema can see, with what the language service says there. Each one has
 * exactly one expected diagnostic, and the service reports exactly one problem, starting at
 * amqp-gen's line:column.
 */
const SCHEMA_ERRORS: { name: string; message: RegExp; severity: number; covers: string }[] = [
  // The value `["#"]`.
  { name: "error-wrong-type", message: /^Incorrect type\. Expected "string"\.$/, severity: DiagnosticSeverity.Warning, covers: '["#"]' },
  // A missing required property: the service reports it on the KEY of the property whose value is
  // the incomplete object (jsonParser's `required` check uses `node.parent.keyNode`; only a root
  // object without a parent key is reported at its `{`). So the range is exactly
  // `"backend/amqp/producer"`, and it starts where amqp-gen reports AG102, the start of that
  // key: pointer /…/backend~1amqp~1producer, line 14, column 13.
  { name: "error-missing-exchange", message: /^Missing property "exchange"\.$/, severity: DiagnosticSeverity.Warning, covers: `"${PRODUCER_KEY}"` },
  // An unknown field of the "@amqp-gen" block (amqp-gen adds "did you mean").
  { name: "error-amqp-gen-block", message: /^Property exchange_typ is not allowed\.$/, severity: DiagnosticSeverity.Warning, covers: '"exchange_typ"' },
  // A syntax error: the unterminated string `"Route`, through the end of its line.
  { name: "error-malformed-json", message: /^Unexpected end of string\.$/, severity: DiagnosticSeverity.Error, covers: '"Route' },
];
const SEMANTIC_ONLY = FIXTURES.filter((name) => name.startsWith("error-") && !SCHEMA_ERRORS.some((known) => known.name === name));

test("the fixture lists are complete", () => {
  for (const name of ["showcase", "e2e-faults", "e2e-fields", "e2e-lifecycle", "e2e-reliability"]) {
    assert.ok(VALID.includes(name), `${name} is checked as a valid fixture`);
  }
  for (const known of SCHEMA_ERRORS) {
    assert.ok(FIXTURES.includes(known.name), `fixture ${known.name} exists`);
    // JSON (AG0xx) and schema (AG1xx) errors: the ones an editor can see.
    for (const expected of expectedDiagnostics(known.name)) assert.match(expected.code, /^AG[01]\d\d$/);
  }
  // Every other error fixture is a semantic error (AG2xx) that no schema can see.
  for (const name of SEMANTIC_ONLY) {
    for (const expected of expectedDiagnostics(name)) {
      assert.match(expected.code, /^AG2\d\d$/, `${name} is semantic only`);
    }
  }
  assert.ok(SEMANTIC_ONLY.length >= 5);
});

for (const setup of SETUPS) {
  for (const name of VALID) {
    test(`${setup.name}: valid fixture ${name} has no diagnostic`, async () => {
      const diagnostics = await diagnose(setup, setup.prepare(fixtureText(name)));
      assert.is(show(diagnostics), "(none)");
    });
  }

  for (const name of SEMANTIC_ONLY) {
    // Documented limit: these configs are schema-valid; only the CLI's analyser catches them.
    test(`${setup.name}: semantic-only ${name} has no schema diagnostic (the CLI catches it)`, async () => {
      const diagnostics = await diagnose(setup, setup.prepare(fixtureText(name)));
      assert.is(show(diagnostics), "(none)");
    });
  }

  for (const known of SCHEMA_ERRORS) {
    test(`${setup.name}: ${known.name} is reported where amqp-gen reports it`, async () => {
      const text = setup.prepare(fixtureText(known.name));
      const [expected, ...more] = expectedDiagnostics(known.name);
      assert.ok(expected && more.length === 0, "one expected diagnostic");
      const diagnostics = await diagnose(setup, text);
      assert.is(diagnostics.length, 1, show(diagnostics));
      const [diagnostic] = diagnostics as [Diagnostic];
      // LSP positions are 0-based; amqp-gen's line:column are 1-based.
      assert.equal(
        { line: diagnostic.range.start.line + 1, column: diagnostic.range.start.character + 1 },
        { line: expected.line, column: expected.column },
        `${known.name}: ${show(diagnostics)}`,
      );
      assert.match(messageOf(diagnostic), known.message);
      assert.is(diagnostic.severity, known.severity);
      const doc = open(text);
      const start = doc.offsetAt(diagnostic.range.start);
      assert.is(text.slice(start, doc.offsetAt(diagnostic.range.end)), known.covers);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Inline cases, under both namespaces

interface InlineCase {
  name: string;
  text(key: string): string;
  /** The problem's range is exactly `target` inside `needle` (default: all of `needle`). */
  at(key: string): { needle: string; target?: string };
  message: RegExp;
}

const INLINE: InlineCase[] = [
  {
    name: "unknown field in the producer block, at its key",
    text: (key) => config(key, ` ${MINIMAL}, "routing_keys": "Route" `),
    at: () => ({ needle: `"routing_keys": "Route"`, target: `"routing_keys"` }),
    message: /^Property routing_keys is not allowed\.$/,
  },
  {
    name: 'backoff_strategy "quadratic" (not in the enum)',
    text: (key) => config(key, ` ${MINIMAL}, "backoff_strategy": "quadratic" `),
    at: () => ({ needle: `"backoff_strategy": "quadratic"`, target: `"quadratic"` }),
    message: /^Value is not accepted\. Valid values: "linear", "linear-jitter", "exponential", "exponential-jitter", "fallback"\.$/,
  },
  {
    name: '"version": 1',
    text: (key) => config(key, ` ${MINIMAL} `).replace(`"version": 3`, `"version": 1`),
    at: () => ({ needle: `"version": 1`, target: "1" }),
    message: /^Value is not accepted\. Valid values: 2, 3\.$/,
  },
  {
    name: "endpoint timeout that is not a Go duration",
    text: (key) => config(key, ` ${MINIMAL} `, `\n      "timeout": "2 seconds",`),
    at: () => ({ needle: `"timeout": "2 seconds"`, target: `"2 seconds"` }),
    message: /^String does not match the pattern of "\^\(\[0-9\]\+/,
  },
  {
    name: "root timeout that is not a Go duration",
    text: (key) => config(key, ` ${MINIMAL} `).replace(`"version": 3,`, `"version": 3,\n  "timeout": "5",`),
    at: () => ({ needle: `"timeout": "5"`, target: `"5"` }),
    message: /^String does not match the pattern/,
  },
  {
    name: "routing_key of the wrong type",
    text: (key) => config(key, ` "name": "q", "exchange": "ex", "routing_key": ["#"] `),
    at: () => ({ needle: `"routing_key": ["#"]`, target: `["#"]` }),
    message: /^Incorrect type\. Expected "string"\.$/,
  },
  {
    name: "missing exchange, at the namespace key",
    text: (key) => config(key, ` "name": "q", "routing_key": "Route" `),
    at: (key) => ({ needle: `${JSON.stringify(key)}: {`, target: JSON.stringify(key) }),
    message: /^Missing property "exchange"\.$/,
  },
  {
    name: "empty exchange (minLength 1)",
    text: (key) => config(key, ` "name": "q", "exchange": "", "routing_key": "Route" `),
    at: () => ({ needle: `"exchange": ""`, target: `""` }),
    message: /^String is shorter than the minimum length of 1\.$/,
  },
];

for (const key of [PRODUCER_KEY, LEGACY_KEY]) {
  for (const setup of SETUPS) {
    for (const inline of INLINE) {
      test(`${setup.name}, ${key}: ${inline.name}`, async () => {
        const text = setup.prepare(inline.text(key));
        const { needle, target = needle } = inline.at(key);
        const at = spot(text, needle, target);
        const diagnostics = await diagnose(setup, text);
        assert.is(diagnostics.length, 1, show(diagnostics));
        const [diagnostic] = diagnostics as [Diagnostic];
        const doc = open(text);
        assert.equal(diagnostic.range, { start: doc.positionAt(at), end: doc.positionAt(at + target.length) }, show(diagnostics));
        assert.match(messageOf(diagnostic), inline.message);
        assert.is(diagnostic.severity, DiagnosticSeverity.Warning);
      });
    }

    test(`${setup.name}, ${key}: a comment or a trailing comma is an error, as in amqp-gen (AG001)`, async () => {
      // krakend.json has language id `json` in VS Code, not `jsonc`: KrakenD's parser rejects both.
      for (const [text, needle, message] of [
        [config(key, ` // no\n ${MINIMAL} `), "// no", /^Comments are not permitted in JSON\.$/],
        [config(key, ` ${MINIMAL}, `), `"Route", }`, /^Trailing comma$/],
      ] as const) {
        const prepared = setup.prepare(text);
        const diagnostics = await diagnose(setup, prepared);
        assert.is(diagnostics.length, 1, show(diagnostics));
        const [diagnostic] = diagnostics as [Diagnostic];
        const doc = open(prepared);
        const target = needle === "// no" ? needle : ",";
        assert.equal(diagnostic.range.start, doc.positionAt(spot(prepared, needle, target)), show(diagnostics));
        assert.match(messageOf(diagnostic), message);
        assert.is(diagnostic.severity, DiagnosticSeverity.Error);
      }
    });

    test(`${setup.name}, ${key}: comment keys and every producer field are accepted`, async () => {
      const block = ` ${MINIMAL}, "static_routing_key": false, "durable": true, "delete": false, "exclusive": false,
              "no_wait": false, "mandatory": true, "immediate": false, "exp_key": "Ttl", "reply_to_key": "Reply_to",
              "msg_id_key": "Id", "priority_key": "Prio", "max_retries": 3, "backoff_strategy": "linear-jitter",
              "prefetch_count": 10, "prefetch_size": 1024, "no_local": false,
              "@comment": "x", "$note": 1, "_todo": ["x"], "#off": { "a": 1 } `;
      const diagnostics = await diagnose(setup, setup.prepare(config(key, block, `\n      "timeout": "1m30s",`)));
      assert.is(show(diagnostics), "(none)");
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Completion and hover, under both namespaces

/** The markdown the service builds from a plain `description` (jsonHover's toMarkdown), undone. */
function unescapeMarkdown(markdown: string): string {
  return markdown
    .replace(/\\\n/g, "\n")
    .replace(/&nbsp;/g, " ")
    .replace(/\\([\\`*_{}[\]()<>#+\-.!])/g, "$1");
}

function documentation(item: CompletionItem): string | undefined {
  const doc = item.documentation;
  return typeof doc === "string" ? doc : doc?.value;
}

test("the producer fields listed here are exactly the schema's", () => {
  assert.equal([...PRODUCER_FIELDS].sort(), Object.keys(producerSchema.properties).sort());
});

test("the package ships schema/ (the path in the README's snippets exists after npm i)", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files?: string[]; exports?: Record<string, unknown> };
  assert.ok(pkg.files?.includes("schema"), 'package.json "files" includes schema');
  assert.is(pkg.exports?.["./schema/*"], "./schema/*");
});

for (const key of [PRODUCER_KEY, LEGACY_KEY]) {
  for (const setup of SETUPS) {
    test(`${setup.name}, ${key}: completion in an empty block offers every producer field with its description`, async () => {
      const { ls } = service(setup.schemas);
      const { doc, offset } = withCursor(setup.prepare(config(key, ` ${CURSOR} `)));
      const list = await ls.doComplete(doc, doc.positionAt(offset), ls.parseJSONDocument(doc));
      const properties = (list?.items ?? []).filter((item) => item.kind === CompletionItemKind.Property);
      assert.equal(properties.map((item) => item.label).sort(), [...PRODUCER_FIELDS].sort());
      for (const item of properties) {
        assert.is(documentation(item), description(producerSchema, item.label), `documentation of ${item.label}`);
      }
    });

    for (const [where, value] of [
      ["after the colon", CURSOR],
      ["inside the quotes", `"${CURSOR}"`],
    ] as const) {
      test(`${setup.name}, ${key}: completion of the backoff_strategy value ${where} offers the enum`, async () => {
        const { ls } = service(setup.schemas);
        const { doc, offset } = withCursor(setup.prepare(config(key, ` ${MINIMAL}, "backoff_strategy": ${value} `)));
        const list = await ls.doComplete(doc, doc.positionAt(offset), ls.parseJSONDocument(doc));
        const items = list?.items ?? [];
        const expected = (producerSchema.properties["backoff_strategy"]?.enum ?? []).map((v) => JSON.stringify(v));
        assert.equal(expected.length, 5);
        assert.equal(items.map((item) => item.label).sort(), [...expected].sort());
        for (const item of items) {
          assert.is(documentation(item), description(producerSchema, "backoff_strategy"), `documentation of ${item.label}`);
        }
      });
    }

    test(`${setup.name}, ${key}: hover over routing_key shows its description`, async () => {
      const { ls } = service(setup.schemas);
      const { doc, offset } = withCursor(setup.prepare(config(key, ` "name": "q", "exchange": "ex", "rout${CURSOR}ing_key": "Route" `)));
      const hover = await ls.doHover(doc, doc.positionAt(offset), ls.parseJSONDocument(doc));
      assert.ok(hover, "a hover");
      const contents = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
      assert.is(contents.length, 1);
      const [markdown] = contents as [unknown];
      assert.type(markdown, "string");
      // The service turns a plain `description` into escaped markdown: shown verbatim in VS Code.
      assert.is(unescapeMarkdown(markdown as string), description(producerSchema, "routing_key"));
      const text = doc.getText();
      assert.is(text.slice(doc.offsetAt(hover.range!.start), doc.offsetAt(hover.range!.end)), `"routing_key"`);
    });
  }
}

test('the "@amqp-gen" block: completion of its fields and of exchange_type, hover on a typed queue argument', async () => {
  const ours = producerSchema.properties["@amqp-gen"] as ObjectSchema;
  const { ls } = service(BY_ID.schemas);
  const complete = async (inner: string) => {
    const { doc, offset } = withCursor(config(PRODUCER_KEY, ` ${MINIMAL}, "@amqp-gen": { ${inner} } `));
    return (await ls.doComplete(doc, doc.positionAt(offset), ls.parseJSONDocument(doc)))?.items ?? [];
  };
  const fields = (await complete(CURSOR)).filter((item) => item.kind === CompletionItemKind.Property);
  assert.equal(fields.map((item) => item.label).sort(), ["declare", "exchange_arguments", "exchange_type", "queue_arguments", "reply"]);
  for (const item of fields) assert.is(documentation(item), description(ours, item.label), `documentation of ${item.label}`);
  const types = await complete(`"exchange_type": ${CURSOR}`);
  assert.equal(types.map((item) => item.label).sort(), ['"direct"', '"fanout"', '"headers"', '"topic"']);

  const { doc, offset } = withCursor(config(PRODUCER_KEY, ` ${MINIMAL}, "@amqp-gen": { "queue_arguments": { "x-max-pri${CURSOR}ority": 10 } } `));
  const hover = await ls.doHover(doc, doc.positionAt(offset), ls.parseJSONDocument(doc));
  const contents = hover ? (Array.isArray(hover.contents) ? hover.contents : [hover.contents]) : [];
  const queueArguments = ours.properties["queue_arguments"] as ObjectSchema;
  assert.is(unescapeMarkdown(contents[0] as string), description(queueArguments, "x-max-priority"));
});

test("completion in a backend's extra_config offers both producer namespaces with their descriptions", async () => {
  const { ls } = service(BY_ID.schemas);
  const marked = config(PRODUCER_KEY, ` ${MINIMAL} `).replace(`"extra_config": {`, `"extra_config": {\n            ${CURSOR}\n`);
  const { doc, offset } = withCursor(withoutSchemaLine(marked).replace(`${JSON.stringify(PRODUCER_KEY)}: {`, `"other": {`));
  const list = await ls.doComplete(doc, doc.positionAt(offset), ls.parseJSONDocument(doc));
  const backendExtra = (krakendSchema as unknown as { definitions: { backend: { properties: { extra_config: ObjectSchema } } } }).definitions.backend.properties
    .extra_config;
  const byLabel = new Map((list?.items ?? []).map((item) => [item.label, documentation(item)]));
  for (const key of [PRODUCER_KEY, LEGACY_KEY]) {
    assert.is(byLabel.get(key), description(backendExtra, key), `completion of ${key}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Which schema a document gets

test('the README\'s "$schema" line resolves to the installed krakend.schema.json, relative to the document', async () => {
  const { ls, requested } = service(BY_SCHEMA_LINE.schemas);
  for (const uri of [DOC_URI, `${WORKSPACE_URI}/sub/dir/krakend.json`]) {
    const text = withSchemaLine(config(PRODUCER_KEY, ` ${MINIMAL} `)).replace(`"version": 3`, `"version": 1`);
    const doc = open(text, uri);
    const json = ls.parseJSONDocument(doc);
    const status = ls.getLanguageStatus(doc, json);
    if (uri === DOC_URI) {
      // What VS Code's status bar shows as the document's schema.
      assert.equal(status.schemas, [INSTALLED_SCHEMA_URI]);
      const diagnostics = await ls.doValidation(doc, json, JSON_DOCUMENT_SETTINGS);
      assert.is(diagnostics.length, 1, show(diagnostics));
      assert.match(messageOf(diagnostics[0]!), /^Value is not accepted\. Valid values: 2, 3\.$/);
    } else {
      // The path is relative to the document: a krakend.json in a sub-folder needs ../../ in front.
      assert.equal(status.schemas, [`${WORKSPACE_URI}/sub/dir/node_modules/amqp-gen/schema/krakend.schema.json`]);
    }
  }
  assert.is(requested[0], INSTALLED_SCHEMA_URI);
  assert.is(readFileSync(fileURLToPath(INSTALLED_SCHEMA_URI), "utf8"), readFileSync(join(ROOT, "schema/krakend.schema.json"), "utf8"));
  // The producer schema is then read from the sibling file in node_modules, not from the network.
  assert.is(requested[1], INSTALLED_SCHEMA_URI.replace(/krakend\.schema\.json$/, "amqp-producer.schema.json"));
});

test("the json.schemas url is the installed file, and fileMatch covers krakend.json and krakend*.json anywhere", async () => {
  for (const setup of [BY_ID, BY_URL]) {
    const { ls } = service(setup.schemas);
    const schemaUri = setup === BY_ID ? KRAKEND_ID : INSTALLED_SCHEMA_URI;
    const cases: [string, string[]][] = [
      ["krakend.json", [schemaUri]],
      ["deploy/krakend.json", [schemaUri]],
      ["config/krakend.prod.json", [schemaUri]],
      ["krakend-dev.json", [schemaUri]],
      ["other.json", []],
      ["my-krakend.json", []],
    ];
    for (const [path, schemas] of cases) {
      const doc = open(config(PRODUCER_KEY, ` ${MINIMAL} `), `${WORKSPACE_URI}/${path}`);
      assert.equal(ls.getLanguageStatus(doc, ls.parseJSONDocument(doc)).schemas, schemas, `${setup.name}: ${path}`);
    }
  }
});

test("a document's own $schema (KrakenD's) takes precedence over the json.schemas setting", async () => {
  // As VS Code does: the fixtures, as written, point at KrakenD's schema, so the json.schemas
  // association is ignored for them and the producer error goes unreported. Users must replace
  // (or remove) that line. Here KrakenD's URL is unreachable; online, KrakenD's own schema applies.
  for (const setup of [BY_ID, BY_URL]) {
    const { ls, requested } = service(setup.schemas);
    const doc = open(fixtureText("error-wrong-type"));
    const json = ls.parseJSONDocument(doc);
    assert.equal(ls.getLanguageStatus(doc, json).schemas, ["https://www.krakend.io/schema/v3.json"]);
    const diagnostics = await ls.doValidation(doc, json, JSON_DOCUMENT_SETTINGS);
    assert.is(diagnostics.length, 1, show(diagnostics));
    assert.match(messageOf(diagnostics[0]!), /^Unable to load schema from 'https:\/\/www\.krakend\.io\/schema\/v3\.json'/);
    assert.equal(requested, ["https://www.krakend.io/schema/v3.json"]);
  }
});

// ---------------------------------------------------------------------------------------------
// Offline: krakend.schema.json `$ref`s the producer schema by a relative path, so the installed
// sibling file is read and nothing depends on amqp-gen.dev being reachable.
for (const setup of [BY_URL, BY_SCHEMA_LINE]) {
  test(`offline, ${setup.name}: with amqp-gen.dev unreachable, the producer block is still validated`, async () => {
    const text = setup.prepare(fixtureText("error-wrong-type"));
    const diagnostics = await diagnose(setup, text, "unreachable");
    assert.not.ok(
      diagnostics.some((d) => /Unable to load schema/.test(messageOf(d))),
      show(diagnostics),
    );
    assert.ok(
      diagnostics.some((d) => d.range.start.line === 17 && d.range.start.character === 29),
      `the routing_key type error at 18:30\n${show(diagnostics)}`,
    );
  });
}

test.run();
