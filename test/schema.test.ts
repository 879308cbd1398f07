// The JSON Schemas in schema/ and the types generated from them.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject } from "ajv";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { renderTypes, TYPES_FILE } from "../scripts/gen-types.js";

const PRODUCER_ID = "https://amqp-gen.dev/schema/v1/amqp-producer.schema.json";
const KRAKEND_ID = "https://amqp-gen.dev/schema/v1/krakend.schema.json";
const PRODUCER_KEY = "backend/amqp/producer";
const LEGACY_KEY = "github.com/devopsfaith/krakend-amqp/produce";

type Json = Record<string, unknown>;

function schemaText(file: string): string {
  return readFileSync(fileURLToPath(new URL(`../schema/${file}`, import.meta.url)), "utf8");
}
const producerSchema = JSON.parse(schemaText("amqp-producer.schema.json")) as Json;
const krakendSchema = JSON.parse(schemaText("krakend.schema.json")) as Json;

// Strict, as an editor's validator may be; the arguments' values are a union of types on purpose.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
ajv.addSchema(producerSchema);
ajv.addSchema(krakendSchema);
const validateConfig = ajv.getSchema(KRAKEND_ID)!;
const validateProducer = ajv.getSchema(PRODUCER_ID)!;

// The producer block exactly as the 2022 KrakenD doc page shows it.
const doc2022Producer: Json = {
  name: "queue-1",
  exchange: "some-exchange",
  durable: true,
  delete: false,
  no_wait: true,
  no_local: false,
  routing_key: "#",
  prefetch_count: 10,
  prefetch_size: 1024,
  mandatory: false,
  immediate: false,
};

// A block using the keys of the latest KrakenD schema generation.
const latestProducer: Json = {
  name: "orders",
  exchange: "orders-exchange",
  routing_key: "orders.created",
  static_routing_key: true,
  durable: true,
  delete: false,
  exclusive: false,
  no_wait: false,
  mandatory: true,
  immediate: false,
  exp_key: "Ttl",
  reply_to_key: "Reply_to",
  msg_id_key: "Id",
  priority_key: "Prio",
  max_retries: 5,
  backoff_strategy: "exponential-jitter",
};

/** A full version-3 config whose only backend carries `producer` under `key` (the 2022 doc's backend: no url_pattern). */
function configWith(producer: unknown, key = PRODUCER_KEY): Json {
  return {
    version: 3,
    endpoints: [
      {
        endpoint: "/produce/{route}",
        method: "POST",
        backend: [
          {
            host: ["amqp://guest:guest@myqueue.host.com:5672"],
            disable_host_sanitize: true,
            extra_config: { [key]: producer },
          },
        ],
      },
    ],
  };
}

const PRODUCER_PATH = "/endpoints/0/backend/0/extra_config/backend~1amqp~1producer";
const LEGACY_PATH = "/endpoints/0/backend/0/extra_config/github.com~1devopsfaith~1krakend-amqp~1produce";

/** Every other KrakenD namespace and field, which must pass untouched. */
const otherKrakendFields: Json = {
  $schema: "https://www.krakend.io/schema/v3.json",
  version: 3,
  name: "gateway",
  port: 8080,
  host: ["http://fallback.local:8080"],
  timeout: "1m30s",
  cache_ttl: "300s",
  output_encoding: "json",
  extra_config: {
    "telemetry/logging": { level: "DEBUG", prefix: "[KRAKEND]", stdout: true },
    "security/cors": { allow_origins: ["*"] },
  },
  endpoints: [
    {
      endpoint: "/users/{id}",
      method: "GET",
      timeout: "1500ms",
      output_encoding: "json-collection",
      input_headers: ["*"],
      input_query_strings: ["page"],
      concurrent_calls: 1,
      cache_ttl: "3600s",
      extra_config: {
        "qos/ratelimit/router": { max_rate: 50, client_max_rate: 5 },
        "auth/validator": { alg: "RS256" },
        "validation/json-schema": { type: "object", required: ["id"] },
      },
      backend: [
        {
          url_pattern: "/users/{id}",
          host: ["https://users.local"],
          method: "GET",
          encoding: "safejson",
          sd: "static",
          is_collection: true,
          extra_config: {
            "qos/circuit-breaker": { interval: 60, timeout: 10, max_errors: 1 },
            "backend/amqp/consumer": { name: "queue-1", exchange: "some-exchange", routing_key: ["#"] },
          },
        },
      ],
    },
    {
      endpoint: "/produce/{route}",
      method: "POST",
      backend: [
        {
          url_pattern: "/ignored",
          encoding: "no-op",
          host: ["amqp://guest:guest@rabbit:5672"],
          disable_host_sanitize: true,
          extra_config: { [PRODUCER_KEY]: { name: "q", exchange: "ex", routing_key: "Route" } },
        },
      ],
    },
  ],
};

interface Case {
  name: string;
  config: Json;
  /** Expected errors (keyword at instancePath); none means the config is valid. */
  errors?: { keyword: string; instancePath: string; property?: string }[];
}

const cases: Case[] = [
  { name: "2022 doc page producer block, in a full config without url_pattern", config: configWith(doc2022Producer) },
  {
    name: "2022 doc page param keys (exp_key A, reply_to_key B, msg_id_key Id, priority_key Prio, routing_key Route)",
    config: configWith({
      ...doc2022Producer,
      exp_key: "A",
      reply_to_key: "B",
      msg_id_key: "Id",
      priority_key: "Prio",
      routing_key: "Route",
    }),
  },
  { name: "latest-generation producer block", config: configWith(latestProducer) },
  { name: "latest-generation minimum: name, exchange, routing_key", config: configWith({ name: "q", exchange: "ex", routing_key: "Route" }) },
  { name: "legacy namespace key, 2022 block", config: configWith(doc2022Producer, LEGACY_KEY) },
  { name: "legacy namespace key, latest block", config: configWith(latestProducer, LEGACY_KEY) },
  {
    name: "comment keys (@ $ _ #) in the producer block",
    config: configWith({ ...latestProducer, "@comment": "hi", $note: 1, _todo: ["x"], "#off": { a: 1 } }),
  },
  { name: "every other KrakenD namespace and field", config: otherKrakendFields },
  {
    name: "unknown producer key",
    config: configWith({ ...latestProducer, foo: 1 }),
    errors: [{ keyword: "additionalProperties", instancePath: PRODUCER_PATH, property: "foo" }],
  },
  {
    name: "unknown key under the legacy namespace",
    config: configWith({ ...doc2022Producer, foo: 1 }, LEGACY_KEY),
    errors: [{ keyword: "additionalProperties", instancePath: LEGACY_PATH, property: "foo" }],
  },
  {
    name: "comment-like key not at the start (a@b)",
    config: configWith({ ...latestProducer, "a@b": 1 }),
    errors: [{ keyword: "additionalProperties", instancePath: PRODUCER_PATH, property: "a@b" }],
  },
  {
    name: 'routing_key ["#"] (the consumer\'s shape)',
    config: configWith({ ...doc2022Producer, routing_key: ["#"] }),
    errors: [{ keyword: "type", instancePath: `${PRODUCER_PATH}/routing_key` }],
  },
  {
    name: "missing exchange",
    config: configWith({ name: "q", routing_key: "Route" }),
    errors: [{ keyword: "required", instancePath: PRODUCER_PATH, property: "exchange" }],
  },
  {
    name: "missing name and routing_key",
    config: configWith({ exchange: "ex" }),
    errors: [
      { keyword: "required", instancePath: PRODUCER_PATH, property: "name" },
      { keyword: "required", instancePath: PRODUCER_PATH, property: "routing_key" },
    ],
  },
  {
    name: 'exchange ""',
    config: configWith({ ...latestProducer, exchange: "" }),
    errors: [{ keyword: "minLength", instancePath: `${PRODUCER_PATH}/exchange` }],
  },
  {
    name: 'backoff_strategy "quadratic"',
    config: configWith({ ...latestProducer, backoff_strategy: "quadratic" }),
    errors: [{ keyword: "enum", instancePath: `${PRODUCER_PATH}/backoff_strategy` }],
  },
  {
    name: "max_retries 1.5",
    config: configWith({ ...latestProducer, max_retries: 1.5 }),
    errors: [{ keyword: "type", instancePath: `${PRODUCER_PATH}/max_retries` }],
  },
  {
    name: 'durable "true"',
    config: configWith({ ...latestProducer, durable: "true" }),
    errors: [{ keyword: "type", instancePath: `${PRODUCER_PATH}/durable` }],
  },
  { name: "version 2 (KrakenD 1.x), read with a warning", config: { ...configWith(latestProducer), version: 2 } },
  { name: "version 1", config: { ...configWith(latestProducer), version: 1 }, errors: [{ keyword: "enum", instancePath: "/version" }] },
  {
    name: "no version",
    config: { endpoints: [] },
    errors: [{ keyword: "required", instancePath: "", property: "version" }],
  },
  {
    name: 'timeout "2 seconds"',
    config: { ...configWith(latestProducer), timeout: "2 seconds" },
    errors: [{ keyword: "pattern", instancePath: "/timeout" }],
  },
  {
    name: "endpoint without a leading slash",
    config: { version: 3, endpoints: [{ endpoint: "produce" }] },
    errors: [{ keyword: "pattern", instancePath: "/endpoints/0/endpoint" }],
  },
  {
    name: "concurrent_calls 0 and output_encoding html",
    config: { version: 3, endpoints: [{ endpoint: "/x", concurrent_calls: 0, output_encoding: "html" }] },
    errors: [
      { keyword: "minimum", instancePath: "/endpoints/0/concurrent_calls" },
      { keyword: "enum", instancePath: "/endpoints/0/output_encoding" },
    ],
  },
];

function errorProperty(e: ErrorObject): string | undefined {
  const params = e.params as { additionalProperty?: string; missingProperty?: string };
  return params.additionalProperty ?? params.missingProperty;
}

function show(errors: ErrorObject[] | null | undefined): string {
  return ajv.errorsText(errors, { separator: "\n  " });
}

for (const c of cases) {
  test(`krakend.schema.json: ${c.name}`, () => {
    const ok = validateConfig(c.config);
    const errors = validateConfig.errors ?? [];
    if (!c.errors) {
      assert.ok(ok, `expected valid, got:\n  ${show(errors)}`);
      return;
    }
    assert.not.ok(ok, "expected invalid, but it validated");
    for (const want of c.errors) {
      const found = errors.some(
        (e) => e.keyword === want.keyword && e.instancePath === want.instancePath && (want.property === undefined || errorProperty(e) === want.property),
      );
      assert.ok(found, `expected ${want.keyword} at "${want.instancePath}"${want.property ? ` (${want.property})` : ""}, got:\n  ${show(errors)}`);
    }
  });
}

test("amqp-producer.schema.json alone: the 2022 and latest blocks, and the errors", () => {
  for (const block of [doc2022Producer, latestProducer]) {
    assert.ok(validateProducer(block), show(validateProducer.errors));
  }
  assert.not.ok(validateProducer({ ...latestProducer, foo: 1 }));
  assert.equal(
    validateProducer.errors?.map((e) => [e.keyword, errorProperty(e)]),
    [["additionalProperties", "foo"]],
  );
});

test("$ids and titles", () => {
  assert.is(producerSchema.$id, PRODUCER_ID);
  assert.is(krakendSchema.$id, KRAKEND_ID);
  assert.is(producerSchema.$schema, "http://json-schema.org/draft-07/schema#");
  assert.is(krakendSchema.$schema, "http://json-schema.org/draft-07/schema#");
  assert.type(producerSchema.title, "string");
  assert.type(krakendSchema.title, "string");
});

/** amqp-gen's own block in the producer's schema, beside KrakenD's keys. */
const AMQP_GEN_BLOCK = "@amqp-gen";

const PRODUCER_PROPERTIES = [
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
];

test("the producer schema has exactly KrakenD's keys, with KrakenD's run-time defaults", () => {
  const { [AMQP_GEN_BLOCK]: ours, ...props } = producerSchema.properties as Record<string, Json>;
  assert.equal(Object.keys(props).sort(), [...PRODUCER_PROPERTIES].sort());
  assert.ok(ours, `amqp-gen's own settings are the one key beside KrakenD's: ${AMQP_GEN_BLOCK}`);
  assert.match(AMQP_GEN_BLOCK, /^[@$_#]/, "a key KrakenD's schema allows and KrakenD ignores");
  assert.equal(producerSchema.required, ["name", "exchange", "routing_key"]);
  const defaults = Object.fromEntries(
    Object.entries(props)
      .filter(([, p]) => "default" in p)
      .map(([k, p]) => [k, p.default]),
  );
  assert.equal(defaults, {
    static_routing_key: false,
    durable: false,
    delete: false,
    exclusive: false,
    no_wait: false,
    mandatory: false,
    immediate: false,
    max_retries: 0,
    backoff_strategy: "fallback",
    prefetch_count: 10,
    prefetch_size: 1024,
    no_local: false,
  });
  for (const [key, prop] of Object.entries(props)) {
    const values = [...("default" in prop ? [prop.default] : []), ...((prop.examples as unknown[] | undefined) ?? [])];
    for (const value of values) {
      assert.ok(ajv.validate(prop, value), `${key}: default/example ${JSON.stringify(value)} fails its own schema`);
    }
  }
});

/** Every `properties` entry anywhere in `schema`, with its JSON pointer. */
function* properties(schema: unknown, pointer = ""): Generator<[string, Json]> {
  if (Array.isArray(schema)) {
    for (const [i, item] of schema.entries()) yield* properties(item, `${pointer}/${i}`);
    return;
  }
  if (schema === null || typeof schema !== "object") return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value !== null && typeof value === "object") {
      for (const [name, prop] of Object.entries(value)) yield [`${pointer}/properties/${name}`, prop as Json];
    }
    yield* properties(value, `${pointer}/${key}`);
  }
}

test("every property of both schemas has a description", () => {
  for (const [file, schema] of [
    ["amqp-producer.schema.json", producerSchema],
    ["krakend.schema.json", krakendSchema],
  ] as const) {
    let count = 0;
    for (const [pointer, prop] of properties(schema)) {
      count++;
      assert.ok(typeof prop.description === "string" && prop.description.length > 20, `${file}#${pointer} has no description`);
    }
    assert.ok(count > 10, `${file}: found only ${count} properties`);
  }
});

test("duration examples and the Go duration pattern", () => {
  const duration = { $ref: `${KRAKEND_ID}#/definitions/duration` };
  for (const ok of ["2s", "1500ms", "1m30s", "1.5h", "300us", "10µs", "2h45m0.5s"]) {
    assert.ok(ajv.validate(duration, ok), `${ok} should be a Go duration`);
  }
  for (const bad of ["", "2", "2 s", "s", "-1s", "2sec", "1.s"]) {
    assert.not.ok(ajv.validate(duration, bad), `${JSON.stringify(bad)} should not be a duration`);
  }
});

test("schema files are formatted JSON (2-space indent, final newline)", () => {
  for (const file of ["amqp-producer.schema.json", "krakend.schema.json"]) {
    const text = schemaText(file);
    assert.ok(text === `${JSON.stringify(JSON.parse(text), null, 2)}\n`, `${file} is not formatted as JSON.stringify(_, null, 2)`);
  }
});

test("generator/generated/producer-config.ts is up to date with the schemas", async () => {
  const committed = readFileSync(TYPES_FILE, "utf8");
  const rendered = await renderTypes();
  assert.ok(rendered === committed, "generator/generated/producer-config.ts differs from the schemas: run `npm run gen:types`");
  assert.match(rendered, /export interface AmqpProducerConfig \{/);
  assert.match(rendered, /export interface KrakendConfig \{/);
  // Comments and string literals out: `"any"` (a scopes_matcher value) is not the type.
  const code = rendered
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  assert.not.match(code, /\bany\b/, "generated types use `any`");
});

test("generator/generated/krakend-validator.js (Ajv standalone) is compiled from the current schema/", async () => {
  const { renderValidator, VALIDATOR_FILE } = await import("../scripts/gen-validator.js");
  assert.ok(readFileSync(VALIDATOR_FILE, "utf8") === renderValidator(), "generator/generated/krakend-validator.js is stale: run `npm run gen:types`");
});

test.run();
