// The namespace table (generator/pipeline/namespaces.ts): it has a decision for every namespace
// of KrakenD's schema, and the analyser reports each decision at the namespace's position.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import { classifyNamespace, NAMESPACES, type NamespaceLevel } from "../generator/pipeline/namespaces.js";

/**
 * The `extra_config` keys of KrakenD's schema v2.13 (krakend-schema: service_extra_config.json,
 * endpoint_extra_config.json, backend_extra_config.json), copied from it: the table must cover
 * each at its level.
 */
const KRAKEND_SCHEMA: Readonly<Record<NamespaceLevel, readonly string[]>> = {
  service: [
    "ai/mcp",
    "auth/api-keys",
    "auth/basic",
    "auth/revoker",
    "auth/validator",
    "documentation/openapi",
    "documentation/postman",
    "governance/processors",
    "governance/quota",
    "grpc",
    "modifier/lua-endpoint",
    "modifier/request-body-extractor",
    "modifier/response-headers",
    "plugin/http-server",
    "qos/ratelimit/service",
    "qos/ratelimit/service/redis",
    "qos/ratelimit/tiered",
    "redis",
    "router",
    "security/bot-detector",
    "security/cors",
    "security/http",
    "server/static-filesystem",
    "server/virtualhost",
    "telemetry/gelf",
    "telemetry/influx",
    "telemetry/logging",
    "telemetry/logstash",
    "telemetry/metrics",
    "telemetry/moesif",
    "telemetry/newrelic",
    "telemetry/opencensus",
    "telemetry/opentelemetry",
    "telemetry/opentelemetry-security",
  ],
  endpoint: [
    "ai/mcp",
    "auth/api-keys",
    "auth/basic",
    "auth/signer",
    "auth/validator",
    "documentation/openapi",
    "documentation/postman",
    "governance/quota",
    "modifier/jmespath",
    "modifier/lua-endpoint",
    "modifier/lua-proxy",
    "modifier/request-body-extractor",
    "modifier/request-body-extractor/early",
    "modifier/request-body-generator",
    "modifier/response-body",
    "modifier/response-body-generator",
    "plugin/middleware",
    "plugin/req-resp-modifier",
    "proxy",
    "qos/ratelimit/router",
    "qos/ratelimit/router/redis",
    "qos/ratelimit/tiered",
    "security/bot-detector",
    "security/cors",
    "security/http",
    "security/policies",
    "telemetry/opentelemetry",
    "validation/cel",
    "validation/json-schema",
    "validation/response-json-schema",
    "websocket",
  ],
  backend: [
    "ai/llm",
    "auth/aws-sigv4",
    "auth/client-credentials",
    "auth/gcp",
    "auth/ntlm",
    "backend/amqp/consumer",
    "backend/amqp/producer",
    "backend/conditional",
    "backend/graphql",
    "backend/grpc",
    "backend/http",
    "backend/http/client",
    "backend/lambda",
    "backend/pubsub/publisher",
    "backend/pubsub/subscriber",
    "backend/pubsub/publisher/kafka",
    "backend/pubsub/subscriber/kafka",
    "backend/soap",
    "backend/static-filesystem",
    "governance/quota",
    "modifier/body-generator",
    "modifier/jmespath",
    "modifier/lua-backend",
    "modifier/martian",
    "modifier/request-body-generator",
    "modifier/response-body",
    "modifier/response-body-generator",
    "plugin/http-client",
    "plugin/middleware",
    "plugin/req-resp-modifier",
    "proxy",
    "qos/circuit-breaker",
    "qos/circuit-breaker/http",
    "qos/http-cache",
    "qos/ratelimit/proxy",
    "security/policies",
    "telemetry/logging",
    "telemetry/opentelemetry",
    "validation/cel",
    "validation/response-json-schema",
    "workflow",
  ],
};

test("every namespace of KrakenD's schema v2.13 has a decision at its level (31 endpoint, 34 service, 41 backend)", () => {
  assert.equal([KRAKEND_SCHEMA.endpoint.length, KRAKEND_SCHEMA.service.length, KRAKEND_SCHEMA.backend.length], [31, 34, 41]);
  for (const level of ["service", "endpoint", "backend"] as const) {
    const missing = KRAKEND_SCHEMA[level].filter((namespace) => classifyNamespace(namespace, level).kind !== "known");
    assert.equal(missing, [], `${level} namespaces without a decision`);
  }
});

test("the table has one decision per namespace and level", () => {
  const seen = new Set<string>();
  for (const entry of NAMESPACES) {
    for (const name of [entry.namespace, ...(entry.aliases ?? [])]) {
      for (const level of entry.levels) {
        const key = `${level} ${name}`;
        assert.not.ok(seen.has(key), `${key} has two decisions`);
        seen.add(key);
      }
    }
  }
});

test("the security controls KrakenD runs around a producer are enforced or refused, never only noted", () => {
  const controls: [NamespaceLevel, string][] = [
    ["endpoint", "auth/validator"],
    ["endpoint", "qos/ratelimit/router"],
    ["endpoint", "security/bot-detector"],
    ["endpoint", "validation/cel"],
    ["endpoint", "validation/json-schema"],
    ["endpoint", "modifier/lua-proxy"],
    ["endpoint", "auth/api-keys"],
    ["endpoint", "security/policies"],
    ["service", "security/cors"],
    ["service", "security/http"],
    ["service", "security/bot-detector"],
    ["service", "auth/revoker"],
    ["service", "qos/ratelimit/service"],
    ["backend", "modifier/lua-backend"],
    ["backend", "validation/cel"],
  ];
  for (const [level, namespace] of controls) {
    const verdict = classifyNamespace(namespace, level);
    assert.ok(verdict.kind === "known" && ["enforced", "refused"].includes(verdict.entry.decision.kind), `${level} ${namespace}`);
  }
});

test("comment keys, KrakenD's long spellings, misplaced and unknown namespaces", () => {
  for (const key of ["@comment", "$ref", "_note", "#todo", "@amqp-gen"]) assert.is(classifyNamespace(key, "endpoint").kind, "comment", key);
  const jose = classifyNamespace("github.com/devopsfaith/krakend-jose/validator", "endpoint");
  assert.ok(jose.kind === "known" && jose.namespace === "auth/validator");
  const cors = classifyNamespace("github_com/devopsfaith/krakend-cors", "service");
  assert.ok(cors.kind === "known" && cors.namespace === "security/cors");
  assert.equal(classifyNamespace("qos/ratelimit/router", "service"), { kind: "misplaced", namespace: "qos/ratelimit/router", levels: ["endpoint"] });
  assert.equal(classifyNamespace("security/cros", "service"), { kind: "unknown", suggestion: "security/cors" });
  assert.equal(classifyNamespace("auth/validater", "endpoint"), { kind: "unknown", suggestion: "auth/validator" });
  assert.equal(classifyNamespace("vendor/something-new", "endpoint"), { kind: "unknown", suggestion: undefined });
});

/** An endpoint with KrakenD protections: a rate limit and bot detection (enforced), CEL and Lua (not). */
function protectedEndpoint(extra: Record<string, unknown>): string {
  return JSON.stringify(
    {
      version: 3,
      endpoints: [
        {
          endpoint: "/orders/{id}",
          method: "POST",
          extra_config: {
            "qos/ratelimit/router": { max_rate: 10, client_max_rate: 2, strategy: "ip" },
            "security/bot-detector": { deny: ["curl/8.0"] },
            "validation/cel": [{ check_expr: "'writer' in JWT.roles" }],
            "modifier/lua-proxy": { pre: "check()" },
            ...extra,
          },
          backend: [
            {
              host: ["amqp://127.0.0.1:5672"],
              disable_host_sanitize: true,
              extra_config: { "backend/amqp/producer": { name: "q", exchange: "ex", routing_key: "Id" } },
            },
          ],
        },
      ],
    },
    null,
    2,
  );
}

test("a protected endpoint is refused: errors at each protection, with the acknowledgement as the fix, and nothing generated", async () => {
  const result = await generate(protectedEndpoint({}));
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  assert.equal(
    errors.map((d) => `${d.code} ${d.pointer}`),
    ["AG234 /endpoints/0/extra_config/validation~1cel", "AG234 /endpoints/0/extra_config/modifier~1lua-proxy"],
  );
  assert.match(errors[0]?.hint ?? "", '"@amqp-gen": { "enforced_upstream": ["validation/cel"] }');
  assert.equal(result.files, []);
});

test("acknowledged in the same extra_config, a refused namespace is a warning saying who must enforce it", async () => {
  const text = protectedEndpoint({ "@amqp-gen": { enforced_upstream: ["validation/cel", "modifier/lua-proxy"] } });
  const result = await generate(text);
  assert.equal(
    result.diagnostics.map((d) => `${d.severity} ${d.code}`),
    ["warning AG235", "warning AG235"],
  );
  assert.match(result.diagnostics[0]?.message ?? "", "something in front of it does");
  assert.ok(result.files.length > 0);
});

test("an acknowledgement counts only where it is: the service's does not cover an endpoint's namespace", async () => {
  const config = JSON.parse(protectedEndpoint({})) as { extra_config?: unknown };
  config.extra_config = { "@amqp-gen": { enforced_upstream: ["validation/cel"] } };
  const result = await generate(JSON.stringify(config, null, 2));
  assert.equal(
    result.diagnostics.map((d) => `${d.code} ${d.pointer}`),
    // In the file's order: the service's extra_config comes after the endpoints here.
    [
      "AG234 /endpoints/0/extra_config/validation~1cel",
      "AG234 /endpoints/0/extra_config/modifier~1lua-proxy",
      "AG239 /extra_config/@amqp-gen/enforced_upstream/0",
    ],
  );
});

test("an unknown namespace is a warning with the closest known one", async () => {
  const result = await generate(
    protectedEndpoint({ "@amqp-gen": { enforced_upstream: ["validation/cel", "modifier/lua-proxy"] }, "validation/jsonschema": {} }),
  );
  const unknown = result.diagnostics.find((d) => d.code === "AG238");
  assert.is(unknown?.severity, "warning");
  assert.is(unknown?.pointer, "/endpoints/0/extra_config/validation~1jsonschema");
  assert.is(unknown?.hint, 'Did you mean "validation/json-schema"?');
});

test.run();
