// An endpoint's `auth/validator` at generation time: what KrakenD fails on at start or ignores
// silently is a diagnostic at its position, and a valid one becomes the route's JWT check.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import { renderClaim } from "../templates/runtime/jwt.js";

const VALID = { alg: "RS256", jwk_url: "https://auth.example.com/.well-known/jwks.json" };
const AT = "/endpoints/0/extra_config/auth~1validator";

function config(validator: object, endpoint: object = {}): string {
  return JSON.stringify(
    {
      version: 3,
      endpoints: [
        {
          endpoint: "/orders/{id}",
          method: "POST",
          extra_config: { "auth/validator": validator },
          ...endpoint,
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

/** [what, validator, endpoint fields, expected `severity code pointer` list] */
const CASES: [string, object, object, string[]][] = [
  ["a valid validator", VALID, {}, []],
  ["no alg", { jwk_url: VALID.jwk_url }, {}, [`error AG240 ${AT}`]],
  ["an HMAC alg", { ...VALID, alg: "HS256" }, {}, [`error AG240 ${AT}/alg`]],
  ["an unknown alg", { ...VALID, alg: "none" }, {}, [`error AG240 ${AT}/alg`]],
  ["no key source", { alg: "RS256" }, {}, [`error AG240 ${AT}`]],
  ["a key set that is not an http(s) URL", { ...VALID, jwk_url: "ftp://keys.example/jwks" }, {}, [`error AG240 ${AT}/jwk_url`]],
  ["plain HTTP keys", { ...VALID, jwk_url: "http://keys.example/jwks" }, {}, [`error AG240 ${AT}/jwk_url`]],
  ["plain HTTP keys, allowed", { ...VALID, jwk_url: "http://keys.example/jwks", disable_jwk_security: true }, {}, []],
  ["disable_jwk_security with https", { ...VALID, disable_jwk_security: true }, {}, [`warning AG242 ${AT}/disable_jwk_security`]],
  ["a local key file", { alg: "ES256", jwk_local_path: "./keys.json" }, {}, []],
  ["certificate pinning", { ...VALID, jwk_fingerprints: ["abc="] }, {}, [`error AG240 ${AT}/jwk_fingerprints`]],
  ["an encrypted key file", { ...VALID, secret_url: "base64key://x", cypher_key: "k" }, {}, [`error AG240 ${AT}/secret_url`, `error AG240 ${AT}/cypher_key`]],
  ["keys found by x5t", { ...VALID, key_identify_strategy: "x5t" }, {}, [`error AG240 ${AT}/key_identify_strategy`]],
  ["scopes without scopes_key", { ...VALID, scopes: ["read"] }, {}, [`error AG240 ${AT}/scopes`]],
  [
    "an unknown scopes_matcher (the schema's enum)",
    { ...VALID, scopes_key: "scope", scopes: ["read"], scopes_matcher: "some" },
    {},
    [`error AG104 ${AT}/scopes_matcher`],
  ],
  ["a leeway below 1s", { ...VALID, leeway: "500ms" }, {}, [`error AG240 ${AT}/leeway`]],
  ["a claim without a header", { ...VALID, propagate_claims: [["sub"]] }, { input_headers: ["X-User"] }, [`error AG240 ${AT}/propagate_claims/0`]],
  ["a claim whose header is not forwarded", { ...VALID, propagate_claims: [["sub", "x-user"]] }, {}, [`warning AG241 ${AT}/propagate_claims/0/1`]],
  ["a claim whose header is forwarded", { ...VALID, propagate_claims: [["sub", "x-user"]] }, { input_headers: ["X-User"] }, []],
  ["operation_debug", { ...VALID, operation_debug: true }, {}, [`warning AG242 ${AT}/operation_debug`]],
  ["a misspelt field", { ...VALID, audiance: ["orders"] }, {}, [`warning AG242 ${AT}/audiance`]],
];

for (const [what, validator, endpoint, expected] of CASES) {
  test(`auth/validator: ${what}`, async () => {
    const result = await generate(config(validator, endpoint));
    const got = result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`);
    assert.equal(got, expected, got.join("\n"));
    const errors = expected.some((e) => e.startsWith("error"));
    assert.is(result.files.length === 0, errors, errors ? "nothing is generated" : "the route is generated");
    if (!errors)
      assert.ok(
        result.files.some((f) => f.path === "runtime/jwt.ts"),
        "the JWT runtime module comes with the route",
      );
  });
}

test("a misspelt field gets the field it resembles", async () => {
  const result = await generate(config({ ...VALID, audiance: ["orders"] }));
  assert.is(result.diagnostics[0]?.hint, 'Did you mean "audience"?');
});

test("the settings the route checks tokens with", async () => {
  const result = await generate(
    config(
      {
        ...VALID,
        audience: ["orders", "billing"],
        roles_key: "realm_access.roles",
        roles_key_is_nested: true,
        roles: ["writer"],
        scopes_key: "scope",
        scopes: ["a", "b"],
        scopes_matcher: "all",
        cookie_key: "session",
        auth_header_name: "X-Token",
        leeway: "3s",
        cache: false,
        failed_jwk_key_cooldown: "10s",
        propagate_claims: [
          ["https://example.com/claims.tenant", "x-tenant"],
          ["org.id", "X-Org"],
        ],
      },
      { input_headers: ["X-Tenant", "X-Org"] },
    ),
  );
  const route = result.files.find((f) => f.path === "routes/post-orders-id.ts")?.content ?? "";
  for (const line of [
    'keys: { url: "https://auth.example.com/.well-known/jwks.json", cacheSeconds: 60, cooldownSeconds: 10 },',
    'audience: ["orders", "billing"],',
    "leewaySeconds: 3,",
    'header: "x-token",',
    'cookie: "session",',
    'roles: { path: ["realm_access", "roles"], anyOf: ["writer"] },',
    'scopes: { path: ["scope"], required: ["a", "b"], all: true },',
    // A namespaced (URL) claim is flat; a dotted one is a path. Header names are canonical.
    'propagate: [[["https://example.com/claims.tenant"], "X-Tenant"], [["org", "id"], "X-Org"]],',
    "authenticate: AUTHENTICATE,",
  ]) {
    assert.ok(route.includes(line), `the route has ${line}\n${route}`);
  }
  assert.not.ok(
    result.files.some((f) => f.path.startsWith("runtime/") && f.path !== "runtime/jwt.ts" && f.content.includes('from "jose"')),
    "only jwt.ts imports jose",
  );
  const plain = await generate(config(VALID).replace(/"auth\/validator"/, '"@unused"'));
  assert.not.ok(
    plain.files.some((f) => f.path === "runtime/jwt.ts"),
    "a config without auth/validator gets no jwt.ts (and needs no jose)",
  );
});

test("a claim rendered into a header as KrakenD renders it", () => {
  const cases: [unknown, string][] = [
    ["user-1", "user-1"],
    [42, "42"],
    [1.5, "1.500000"],
    [true, "true"],
    [null, "null"],
    [undefined, ""],
    [["a", "b", 3], "a,b,3"],
    [{ tenant: "acme", id: 7 }, '{"tenant":"acme","id":7}'],
  ];
  for (const [value, header] of cases) assert.is(renderClaim(value), header, JSON.stringify(value));
});

test.run();
