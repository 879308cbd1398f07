// An endpoint's `qos/ratelimit/router` at generation time: where KrakenD fails open silently,
// generation stops; where its defaults surprise, a warning says so; the settings the route gets.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";

const AT = "/endpoints/0/extra_config/qos~1ratelimit~1router";

function config(limit: object): string {
  return JSON.stringify(
    {
      version: 3,
      endpoints: [
        {
          endpoint: "/orders/{tenant}/{id}",
          method: "POST",
          extra_config: { "qos/ratelimit/router": limit },
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

/** [what, block, expected `severity code pointer` list] */
const CASES: [string, object, string[]][] = [
  ["an endpoint limit", { max_rate: 50 }, []],
  ["a client limit by address", { max_rate: 50, client_max_rate: 5 }, []],
  ["an unknown strategy with a client limit", { max_rate: 50, client_max_rate: 5, strategy: "cookie" }, [`error AG243 ${AT}/strategy`]],
  ["strategy is case-insensitive", { max_rate: 50, client_max_rate: 5, strategy: "Header", key: "X-Client" }, []],
  ["a header strategy without key", { max_rate: 50, client_max_rate: 5, strategy: "header" }, [`error AG243 ${AT}`]],
  ["a param strategy naming no param", { max_rate: 50, client_max_rate: 5, strategy: "param", key: "tenantt" }, [`error AG243 ${AT}/key`]],
  ["a param strategy", { max_rate: 50, client_max_rate: 5, strategy: "param", key: "tenant" }, []],
  ["a client limit without max_rate: KrakenD's capacity of 1", { client_max_rate: 5 }, [`warning AG244 ${AT}/client_max_rate`]],
  ["the same, with client_capacity", { client_max_rate: 5, client_capacity: 5 }, []],
  ["an ip strategy with key (KrakenD reads it unchecked)", { max_rate: 50, client_max_rate: 5, key: "X-Real-Ip" }, [`warning AG244 ${AT}/key`]],
  ["every below 1s", { max_rate: 50, every: "100ms" }, [`warning AG244 ${AT}/every`]],
  ["KrakenD's store tuning", { max_rate: 50, num_shards: 4, cleanup_period: "1m" }, [`warning AG244 ${AT}/num_shards`, `warning AG244 ${AT}/cleanup_period`]],
];

for (const [what, limit, expected] of CASES) {
  test(`qos/ratelimit/router: ${what}`, async () => {
    const result = await generate(config(limit));
    assert.equal(
      result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`),
      expected,
    );
    const errors = expected.some((e) => e.startsWith("error"));
    assert.is(result.files.length === 0, errors, errors ? "nothing is generated" : "the route is generated");
  });
}

test("the settings: rates per second over `every`, KrakenD's default capacities, the client's key", async () => {
  const route = async (limit: object) => (await generate(config(limit))).files.find((f) => f.path === "routes/post-orders-tenant-id.ts")?.content ?? "";
  const a = await route({ max_rate: 120, every: "1m", client_max_rate: 30, strategy: "param", key: "tenant" });
  assert.ok(a.includes("endpoint: { perSecond: 2, capacity: 2 },"), a);
  assert.ok(a.includes('client: { perSecond: 0.5, capacity: 1, by: { kind: "param", segment: 1 } },'), a);
  const b = await route({ max_rate: 10, capacity: 40, client_max_rate: 2, strategy: "header", key: "X-Client" });
  assert.ok(b.includes("endpoint: { perSecond: 10, capacity: 40 },"), b);
  assert.ok(b.includes('client: { perSecond: 2, capacity: 2, by: { kind: "header", header: "x-client" } },'), b);
  assert.ok(b.includes("limit: LIMIT,"), b);
  const none = await generate(config({ max_rate: 10 }).replace('"qos/ratelimit/router"', '"@off"'));
  assert.not.ok(
    none.files.some((f) => f.path === "runtime/ratelimit.ts"),
    "a config without a rate limit carries no ratelimit.ts",
  );
});

test("router.trusted_proxies: addresses and ranges, else AG251; the listener's default", async () => {
  const withProxies = (proxies: string[]) => {
    const parsed = JSON.parse(config({ max_rate: 50, client_max_rate: 5 })) as Record<string, unknown>;
    parsed["extra_config"] = { router: { trusted_proxies: proxies } };
    return JSON.stringify(parsed, null, 2);
  };
  const bad = await generate(withProxies(["10.0.0.0/8", "10.0.0.0/33", "proxy.local", "fd00::/8"]));
  assert.equal(
    bad.diagnostics.filter((d) => d.code !== "AG236").map((d) => `${d.severity} ${d.code} ${d.pointer}`),
    ["error AG251 /extra_config/router/trusted_proxies/1", "error AG251 /extra_config/router/trusted_proxies/2"],
  );
  const good = await generate(withProxies(["10.0.0.0/8", "::1"]));
  const index = good.files.find((f) => f.path === "index.ts")?.content ?? "";
  assert.ok(index.includes('const TRUSTED_PROXIES: readonly string[] = ["10.0.0.0/8", "::1"];'), index);
  assert.ok(index.includes("trustedProxies: options?.trustedProxies ?? TRUSTED_PROXIES"), "the listener's own option wins");
});

test("the output carries the runtime modules the rate limit imports in turn (cache.ts), and none without a limit", async () => {
  const paths = async (text: string) => (await generate(text)).files.map((f) => f.path).filter((p) => p.startsWith("runtime/"));
  const limited = await paths(config({ max_rate: 10, client_max_rate: 2, strategy: "ip" }));
  assert.ok(limited.includes("runtime/ratelimit.ts") && limited.includes("runtime/cache.ts"), limited.join(" "));
  const plain = JSON.parse(config({}));
  delete plain.endpoints[0].extra_config;
  const none = await paths(JSON.stringify(plain));
  assert.not.ok(none.includes("runtime/ratelimit.ts") || none.includes("runtime/cache.ts"), none.join(" "));
});

test.run();
