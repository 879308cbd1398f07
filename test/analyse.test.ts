/**
 * Table-driven tests of the analyser: each KrakenD rule (spec A3, A4, B2, B5) decided once,
 * checked here on the IR and the diagnostics.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { analyse, ANALYSER_RULES } from "../generator/pipeline/analyse.js";
import { CODES } from "../generator/diagnostics/catalogue.js";
import { load } from "../generator/pipeline/load.js";
import { validate } from "../generator/pipeline/validate.js";
import type { ProgramIR } from "../generator/pipeline/ir.js";
import type { Diagnostic } from "../generator/diagnostics/diagnostics.js";
import { canonicalHeader, krakendParamKey, parseGoDuration } from "../generator/pipeline/text.js";

const HOST = "amqp://guest:secret@127.0.0.1:5672/vh";

function config(endpoints: object[], root: object = {}): string {
  return JSON.stringify({ version: 3, ...root, endpoints }, null, 2);
}

function producerEndpoint(path: string, block: object, endpoint: object = {}, backend: object = {}): object {
  return {
    endpoint: path,
    method: "POST",
    ...endpoint,
    backend: [{ host: [HOST], disable_host_sanitize: true, ...backend, extra_config: { "backend/amqp/producer": block } }],
  };
}

function run(text: string): { program: ProgramIR; diagnostics: Diagnostic[] } {
  const loaded = load(text, "krakend.json");
  assert.equal(
    loaded.diagnostics.filter((d) => d.severity === "error"),
    [],
    "fixture must be valid JSON",
  );
  const schema = validate(loaded.value, "krakend.json", loaded.source);
  assert.equal(schema, [], "fixture must pass the schema");
  return analyse(loaded.value, "krakend.json", loaded.source);
}

const codes = (list: Diagnostic[]) => list.map((d) => `${d.severity}:${d.code}`).sort();
const base = { name: "q", exchange: "ex" };

test("KrakenD param keys: first character only upper-cased (A3)", () => {
  const table: [string, string][] = [
    ["route", "Route"],
    ["reply_to", "Reply_to"],
    ["my-key", "My-key"],
    ["Route", "Route"],
    ["iD", "ID"],
    ["1abc", "1abc"],
    ["_x", "_x"],
  ];
  for (const [name, key] of table) assert.is(krakendParamKey(name), key, name);
});

test("routing key: param, static literal, literal without static_routing_key (A4)", () => {
  const cases: { block: object; path: string; want: unknown; diag: string[] }[] = [
    { path: "/p/{route}", block: { routing_key: "Route" }, want: { kind: "param", key: "Route" }, diag: [] },
    { path: "/p/{route}", block: { routing_key: "orders.new", static_routing_key: true }, want: { kind: "static", value: "orders.new" }, diag: [] },
    { path: "/p", block: { routing_key: "#" }, want: { kind: "empty" }, diag: ["warning:AG202"] },
    { path: "/p", block: { routing_key: "a.b.*" }, want: { kind: "empty" }, diag: ["warning:AG202"] },
    { path: "/p/{route}", block: { routing_key: "route" }, want: null, diag: ["error:AG201"] },
    { path: "/p/{route}", block: { routing_key: "Rout" }, want: null, diag: ["error:AG201"] },
    { path: "/p", block: { routing_key: "Route" }, want: null, diag: ["error:AG201"] },
  ];
  for (const c of cases) {
    const { program, diagnostics } = run(config([producerEndpoint(c.path, { ...base, ...c.block })]));
    assert.equal(codes(diagnostics), c.diag, JSON.stringify(c.block));
    if (c.want === null) {
      assert.is(program.routes.length, 0);
      continue;
    }
    const rk = program.routes[0]?.routingKey;
    const got = rk?.kind === "param" ? { kind: "param", key: rk.ref.key } : rk?.kind === "static" ? { kind: "static", value: rk.value } : { kind: rk?.kind };
    assert.equal(got, c.want, JSON.stringify(c.block));
  }
});

test("binding key: the literal with static_routing_key, # otherwise (B2)", () => {
  const stat = run(config([producerEndpoint("/p", { ...base, routing_key: "k.1", static_routing_key: true })])).program.routes[0];
  assert.equal(stat?.queue, { name: "q", durable: false, bindingKey: "k.1", arguments: {} });
  const param = run(config([producerEndpoint("/p/{k}", { ...base, routing_key: "K", durable: true })])).program.routes[0];
  assert.equal(param?.queue, { name: "q", durable: true, bindingKey: "#", arguments: {} });
  assert.is(param?.persistent, true);
  assert.equal(param?.exchange, { name: "ex", type: "topic", durable: true, autoDelete: false, arguments: {} });
  assert.is(param?.declare, true);
});

test('"@amqp-gen": exchange type, arguments and declare reach the IR; the binding follows the exchange type', () => {
  const route = (path: string, block: Record<string, unknown>) => run(config([producerEndpoint(path, { ...base, ...block })])).program.routes[0];
  const settings = {
    exchange_type: "fanout",
    exchange_arguments: { "alternate-exchange": "alt" },
    queue_arguments: { "x-max-priority": 5, "x-message-ttl": 1000 },
  };
  const fanout = route("/p/{k}", { routing_key: "K", "@amqp-gen": settings });
  assert.equal(fanout?.exchange, { name: "ex", type: "fanout", durable: false, autoDelete: false, arguments: { "alternate-exchange": "alt" } });
  assert.equal(fanout?.queue, { name: "q", durable: false, bindingKey: "", arguments: { "x-max-priority": 5, "x-message-ttl": 1000 } });
  assert.is(route("/p/{k}", { routing_key: "K", "@amqp-gen": { exchange_type: "headers" } })?.queue?.bindingKey, "");
  assert.is(route("/p", { routing_key: "k.1", static_routing_key: true, "@amqp-gen": { exchange_type: "direct" } })?.queue?.bindingKey, "k.1");
  assert.is(route("/p/{k}", { routing_key: "K", "@amqp-gen": { exchange_type: "direct" } })?.queue?.bindingKey, null, "no binding takes every key");
  assert.is(route("/p/{k}", { routing_key: "K", "@amqp-gen": { declare: false } })?.declare, false);
  assert.equal(route("/p/{k}", { routing_key: "K", "@amqp-gen": { reply: { timeout: "1500ms" } } })?.reply, { timeoutMs: 1500 });
  assert.equal(route("/p/{k}", { routing_key: "K", "@amqp-gen": { reply: {} } })?.reply, { timeoutMs: 2000 }, "the endpoint's timeout by default");
  assert.is(route("/p/{k}", { routing_key: "K" })?.reply, null);
});

test("capitalisation mistake gets 'did you mean' with the right key", () => {
  const { diagnostics } = run(config([producerEndpoint("/produce/{prio}/{route}", { ...base, routing_key: "Route", priority_key: "prio" })]));
  const d = diagnostics.find((x) => x.code === "AG201");
  assert.ok(d);
  assert.is(d.pointer, "/endpoints/0/backend/0/extra_config/backend~1amqp~1producer/priority_key");
  assert.match(d.hint ?? "", 'Did you mean "Prio"?');
});

test("message properties come from the named params (A4)", () => {
  const { program } = run(
    config([
      producerEndpoint("/produce/{a}/{b}/{id}/{prio}/{route}", {
        ...base,
        exp_key: "A",
        reply_to_key: "B",
        msg_id_key: "Id",
        priority_key: "Prio",
        routing_key: "Route",
      }),
    ]),
  );
  const r = program.routes[0];
  assert.ok(r);
  assert.equal([r.expiration?.param.segment, r.replyTo?.param.segment, r.messageId?.param.segment, r.priority?.param.segment], [1, 2, 3, 4]);
  assert.equal(
    r.params.map((p) => p.key),
    ["A", "B", "Id", "Prio", "Route"],
  );
});

test("KrakenD's traps are diagnosed (B5)", () => {
  const cases: { name: string; text: string; want: string[] }[] = [
    { name: "immediate", text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R", immediate: true })]), want: ["warning:AG203"] },
    { name: "exclusive", text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R", exclusive: true })]), want: ["warning:AG204"] },
    {
      name: "concurrent_calls",
      text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R" }, { concurrent_calls: 3 })]),
      want: ["warning:AG206"],
    },
    {
      name: "no host",
      text: config([{ endpoint: "/p", backend: [{ extra_config: { "backend/amqp/producer": { ...base, routing_key: "k", static_routing_key: true } } }] }]),
      want: ["error:AG207"],
    },
    {
      name: "root host is used",
      text: config(
        [
          {
            endpoint: "/p",
            backend: [{ disable_host_sanitize: true, extra_config: { "backend/amqp/producer": { ...base, routing_key: "k", static_routing_key: true } } }],
          },
        ],
        {
          host: [HOST],
        },
      ),
      want: [],
    },
    {
      name: "http host",
      text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R" }, {}, { host: ["http://x"] })]),
      want: ["error:AG211"],
    },
    {
      name: "missing disable_host_sanitize",
      text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R" }, {}, { disable_host_sanitize: false })]),
      want: ["warning:AG212"],
    },
    {
      name: "consumer and producer",
      text: config([
        {
          endpoint: "/p",
          backend: [
            {
              host: [HOST],
              disable_host_sanitize: true,
              extra_config: { "backend/amqp/consumer": {}, "backend/amqp/producer": { ...base, routing_key: "k", static_routing_key: true } },
            },
          ],
        },
      ]),
      want: ["error:AG205"],
    },
    {
      name: "duplicate route",
      text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R" }), producerEndpoint("/p/{r}", { ...base, routing_key: "R" })]),
      want: ["error:AG208"],
    },
    {
      name: "conflicting route",
      text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R" }), producerEndpoint("/p/{s}", { ...base, routing_key: "S" })]),
      want: ["error:AG209"],
    },
    {
      name: "same path, other method is fine",
      text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R" }), producerEndpoint("/p/{r}", { ...base, routing_key: "R" }, { method: "PUT" })]),
      want: [],
    },
    {
      name: "legacy namespace",
      text: config([
        {
          endpoint: "/p",
          backend: [
            {
              host: [HOST],
              disable_host_sanitize: true,
              extra_config: { "github.com/devopsfaith/krakend-amqp/produce": { ...base, routing_key: "k", static_routing_key: true } },
            },
          ],
        },
      ]),
      want: ["warning:AG213"],
    },
    {
      name: "prefetch and no_local ignored",
      text: config([producerEndpoint("/p/{r}", { ...base, routing_key: "R", prefetch_count: 10, prefetch_size: 1024, no_local: false })]),
      want: ["info:AG214", "info:AG214", "info:AG214"],
    },
    {
      name: "conflicting exchange declarations",
      text: config([
        producerEndpoint("/a/{r}", { ...base, routing_key: "R", durable: true }),
        producerEndpoint("/b/{r}", { name: "q2", exchange: "ex", routing_key: "R", durable: false }),
      ]),
      want: ["error:AG216"],
    },
    {
      name: "one exchange declared with two types",
      text: config([
        producerEndpoint("/a/{r}", { ...base, routing_key: "R", "@amqp-gen": { exchange_type: "direct" } }),
        producerEndpoint("/b/{r}", { name: "q2", exchange: "ex", routing_key: "R" }),
      ]),
      want: ["error:AG216", "warning:AG231"],
    },
    {
      name: "one queue declared with two argument lists",
      text: config([
        producerEndpoint("/a/{r}", { ...base, routing_key: "R", "@amqp-gen": { queue_arguments: { "x-message-ttl": 1000 } } }),
        producerEndpoint("/b/{r}", { ...base, routing_key: "R", "@amqp-gen": { queue_arguments: { "x-message-ttl": 2000 } } }),
      ]),
      want: ["error:AG216"],
    },
    {
      name: "a route declaring nothing contradicts no declaration",
      text: config([
        producerEndpoint("/a/{r}", { ...base, routing_key: "R", durable: true }),
        producerEndpoint("/b/{r}", { ...base, routing_key: "R", "@amqp-gen": { declare: false } }),
      ]),
      want: [],
    },
    {
      name: "declaration arguments with nothing to declare",
      text: config([
        producerEndpoint("/a/{r}", { ...base, name: "", routing_key: "R", "@amqp-gen": { queue_arguments: { "x-message-ttl": 1 } } }),
        producerEndpoint("/b/{r}", {
          ...base,
          name: "q2",
          exchange: "ex2",
          routing_key: "R",
          "@amqp-gen": { declare: false, exchange_arguments: { "alternate-exchange": "x" } },
        }),
      ]),
      want: ["warning:AG220", "warning:AG229", "warning:AG229"],
    },
    {
      name: "a priority the queue ignores, and one it keeps",
      text: config([
        producerEndpoint("/a/{p}", { ...base, routing_key: "k", static_routing_key: true, priority_key: "P" }),
        producerEndpoint("/b/{p}", {
          ...base,
          name: "q2",
          exchange: "ex2",
          routing_key: "k",
          static_routing_key: true,
          priority_key: "P",
          "@amqp-gen": { queue_arguments: { "x-max-priority": 9 } },
        }),
      ]),
      want: ["warning:AG230"],
    },
    {
      name: "a request-reply endpoint that also sets reply_to_key, and a reply timeout of zero",
      text: config([
        producerEndpoint("/a/{r}", { ...base, routing_key: "R", reply_to_key: "R", "@amqp-gen": { reply: {} } }),
        producerEndpoint("/b/{r}", { ...base, name: "q2", exchange: "ex2", routing_key: "R", "@amqp-gen": { reply: { timeout: "0s" } } }),
      ]),
      want: ["error:AG221", "error:AG232"],
    },
    {
      name: "partial param segment",
      text: config([producerEndpoint("/p/x{r}", { ...base, routing_key: "k", static_routing_key: true })]),
      want: ["error:AG210"],
    },
    {
      name: "two producers in one endpoint",
      text: config([
        {
          endpoint: "/p",
          backend: [
            { host: [HOST], disable_host_sanitize: true, extra_config: { "backend/amqp/producer": { ...base, routing_key: "k", static_routing_key: true } } },
            { host: [HOST], disable_host_sanitize: true, extra_config: { "backend/amqp/producer": { ...base, routing_key: "k", static_routing_key: true } } },
          ],
        },
      ]),
      want: ["error:AG215"],
    },
    {
      name: "plain HTTP endpoints are ignored",
      text: config([{ endpoint: "/users/{id}", backend: [{ host: ["http://users"], url_pattern: "/u/{id}" }] }]),
      want: [],
    },
  ];
  for (const c of cases) assert.equal(codes(run(c.text).diagnostics), c.want, c.name);
});

test("credentials never reach the IR; routes sharing a host share a connection", () => {
  const { program } = run(
    config([producerEndpoint("/a/{r}", { ...base, routing_key: "R" }), producerEndpoint("/b/{r}", { name: "q2", exchange: "ex2", routing_key: "R" })]),
  );
  assert.equal(program.brokers, [{ urls: ["amqp://127.0.0.1:5672/vh"], maxRetries: 0, backoff: "fallback" }]);
  assert.not.match(JSON.stringify(program), "secret");
  assert.equal(
    program.routes.map((r) => r.broker),
    [0, 0],
  );
});

test("timeouts: endpoint, then root, then KrakenD's 2s default", () => {
  const block = { ...base, routing_key: "R" };
  const t = (endpoint: object, root: object = {}) => run(config([producerEndpoint("/p/{r}", block, endpoint)], root)).program.routes[0]?.timeoutMs;
  assert.is(t({ timeout: "1500ms" }, { timeout: "10s" }), 1500);
  assert.is(t({}, { timeout: "1m30s" }), 90_000);
  assert.is(t({}), 2000);
});

test("output encodings and input headers", () => {
  const block = { ...base, routing_key: "R" };
  const r = (endpoint: object) => run(config([producerEndpoint("/p/{r}", block, endpoint)])).program.routes[0];
  assert.is(r({})?.outputEncoding, "json");
  assert.is(r({ output_encoding: "no-op" })?.outputEncoding, "no-op");
  assert.equal(r({})?.inputHeaders, ["Content-Type"]);
  assert.equal(r({ input_headers: ["x-request-id", "Content-Type"] })?.inputHeaders, ["X-Request-Id", "Content-Type"]);
  assert.is(r({ input_headers: ["*"] })?.inputHeaders, "*");
});

test('input_headers "*" warns at its position (credentials travel); listed hop-by-hop headers are dropped with a warning', () => {
  const block = { ...base, routing_key: "R" };
  const text = config([producerEndpoint("/p/{r}", block, { input_headers: ["X-Id", "*"] })]);
  const star = run(text);
  assert.equal(codes(star.diagnostics), ["warning:AG226"]);
  const d = star.diagnostics[0] as Diagnostic;
  assert.is(d.pointer, "/endpoints/0/input_headers/1");
  const lines = text.split("\n");
  assert.is(lines[d.line - 1]?.slice(d.column - 1, d.column + 2), '"*"', 'line:col points at the "*"');
  for (const credential of ["Authorization", "Cookie", "Proxy-Authorization"]) assert.ok(d.message.includes(credential), `the message names ${credential}`);
  assert.match(d.hint ?? "", /"input_headers": \[/, "the fix shows an explicit list");

  const listed = run(
    config([
      producerEndpoint("/p/{r}", block, {
        input_headers: ["X-Id", "connection", "TE", "Transfer-Encoding", "keep-alive", "Upgrade", "Trailer", "Proxy-Connection"],
      }),
    ]),
  );
  assert.equal(listed.program.routes[0]?.inputHeaders, ["X-Id"], "hop-by-hop names never reach the route");
  assert.equal(codes(listed.diagnostics), Array(7).fill("warning:AG227"));
  assert.equal(
    listed.diagnostics.map((x) => x.pointer).sort(),
    [1, 2, 3, 4, 5, 6, 7].map((i) => `/endpoints/0/input_headers/${i}`),
  );
  const host = run(config([producerEndpoint("/p/{r}", block, { input_headers: ["host", "X-Id"] })]));
  assert.equal(host.program.routes[0]?.inputHeaders, ["X-Id"], "Host never reaches the route");
  assert.equal(codes(host.diagnostics), ["warning:AG227"]);
  assert.match(host.diagnostics[0]?.message ?? "", /X-Forwarded-Host/, "the warning says where the host travels instead");
  // A plain explicit list is quiet.
  assert.equal(run(config([producerEndpoint("/p/{r}", block, { input_headers: ["Content-Type", "X-Request-Id"] })])).diagnostics, []);
});

test("Go durations", () => {
  const table: [string, number | undefined][] = [
    ["2s", 2000],
    ["1500ms", 1500],
    ["1m30s", 90_000],
    ["1.5s", 1500],
    ["1h", 3_600_000],
    ["0", 0],
    ["2", undefined],
    ["s", undefined],
    ["2x", undefined],
    ["", undefined],
  ];
  for (const [text, ms] of table) assert.is(parseGoDuration(text), ms, text);
});

test("canonical header names, as Go's http.CanonicalHeaderKey", () => {
  assert.is(canonicalHeader("x-request-id"), "X-Request-Id");
  assert.is(canonicalHeader("CONTENT-TYPE"), "Content-Type");
  assert.is(canonicalHeader("user-agent"), "User-Agent");
});

test("routes are sorted and independent of endpoint order", () => {
  const eps = [producerEndpoint("/b/{r}", { ...base, routing_key: "R" }), producerEndpoint("/a/{r}", { name: "q2", exchange: "ex2", routing_key: "R" })];
  const one = run(config(eps)).program;
  const two = run(config([...eps].reverse())).program;
  assert.equal(
    one.routes.map((r) => r.path),
    ["/a/{r}", "/b/{r}"],
  );
  assert.equal(
    one.routes.map((r) => [r.path, r.broker]),
    two.routes.map((r) => [r.path, r.broker]),
  );
});

test("the analyser's rules, by table, in the order they run", () => {
  const listed = Object.entries(ANALYSER_RULES).flatMap(([table, rules]) => rules.map((rule) => `${table}: ${rule.name} [${rule.codes.join(", ")}]`));
  assert.equal(listed, [
    "namespace: every namespace is enforced, refused unless acknowledged, or noted (namespaces.ts) [AG234, AG235, AG236, AG237, AG238]",
    'namespace: "enforced_upstream" acknowledges refused namespaces of its own extra_config [AG239]',
    "backend: a backend holds the producer namespace or its legacy alias, not both [AG218]",
    "backend: a producer backend is not also a consumer [AG205]",
    "endpoint: one producer per endpoint [AG215]",
    "endpoint: the producer is its endpoint's only backend [AG223]",
    "route: the legacy namespace still works, but fails KrakenD's schema [AG213]",
    "route: consumer settings are ignored by the producer [AG214]",
    "route: each path param is a whole segment with a name of its own [AG210]",
    "route: a routing key that is not static names a param (A4) [AG201, AG202]",
    "route: message property keys name a param (A4) [AG201]",
    'route: "immediate" is never sent [AG203]',
    'route: "exclusive" is never applied [AG204]',
    'route: "no_wait" is ignored: declarations are awaited [AG219]',
    'route: "concurrent_calls" publishes once [AG206]',
    "route: the producer has a broker host [AG207]",
    "route: every host is an amqp:// or amqps:// URL [AG211]",
    "route: the backend disables KrakenD's host sanitizer [AG212]",
    "route: the timeout is a positive duration a timer can wait [AG221]",
    "route: a request-reply endpoint gets its reply through direct reply-to [AG221, AG232]",
    "route: the output encoding is one amqp-gen answers with [AG217]",
    'route: input_headers ["*"] copies credentials into every message [AG226]',
    "route: hop-by-hop headers and Host are never forwarded [AG227]",
    "route: a GET endpoint is not on a probe's default path [AG228]",
    "route: declaration arguments have something to be declared with [AG229]",
    "route: a priority is set only where the queue has priorities [AG230]",
    "route: a direct exchange's queue is bound with a key every message has [AG231]",
    "route: the queue has a name [AG220]",
    "jwt: one public-key algorithm [AG240]",
    "jwt: keys from an https:// key set or a local file [AG240, AG242]",
    "jwt: no key handling the generated service does not carry out [AG240]",
    "jwt: scopes are checked as written [AG240]",
    "jwt: durations of at least 1s [AG240]",
    "jwt: propagated claims are [claim, header] pairs the endpoint forwards [AG240, AG241]",
    "jwt: every field is carried out [AG242]",
    "rateLimit: a client limit says how clients are told apart [AG243]",
    "rateLimit: every is a Go duration [AG243]",
    "rateLimit: KrakenD's surprising defaults, said [AG244]",
    "rateLimit: every field is carried out [AG244]",
    "botDetector: every pattern means in JavaScript what it means in Go, in linear time [AG245]",
    "botDetector: every field is carried out [AG246]",
    "httpSecurity: host patterns are regular expressions [AG247]",
    "httpSecurity: an HTTPS redirect can tell HTTPS behind a proxy [AG252]",
    "httpSecurity: every field is carried out; development mode is said [AG248]",
    "cors: credentials are not allowed for any origin [AG249]",
    "cors: an origin has at most one wildcard; max_age is a duration [AG249]",
    "cors: every field is carried out [AG250]",
    "router: trusted proxies are addresses or ranges [AG251]",
    "routeSet: no two routes match the same requests [AG208, AG209]",
    "program: a KrakenD 1.x config (version 2) is read, with what KrakenD 2.x changed [AG233]",
    "program: producers sharing a connection agree on its retry policy [AG224]",
    "program: routes declaring one exchange or queue declare it alike [AG216]",
  ]);
});

test("every AG2xx code belongs to an analyser rule, except the body-schema ones", () => {
  const ruled = new Set(Object.values(ANALYSER_RULES).flatMap((rules) => rules.flatMap((rule) => [...rule.codes])));
  // After the analyser: AG222 and AG225 from compiling a route's body schema, AG253 from carrying
  // it into asyncapi.json, AG254 from the typed consumers (with --consumers only).
  const after = ["AG222", "AG225", "AG253", "AG254"];
  const expected = CODES.filter((code) => code.startsWith("AG2") && !after.includes(code));
  assert.equal([...ruled].sort(), expected);
});

test("the IR is built complete: every route has its broker", () => {
  const eps = [
    producerEndpoint("/b/{r}", { ...base, routing_key: "R" }),
    producerEndpoint("/a/{r}", { name: "q2", exchange: "ex2", routing_key: "R" }, {}, { host: ["amqp://other:5672"] }),
  ];
  const { program } = run(config(eps));
  assert.equal(
    program.routes.map((r) => [r.path, r.broker]),
    [
      ["/a/{r}", 0],
      ["/b/{r}", 1],
    ],
  );
  assert.equal(
    program.routes.map((r) => program.brokers[r.broker]),
    program.routes.map((r) => r.connection),
  );
});

test("a GET endpoint on a probe's default path warns (AG228); another method does not", () => {
  const block = { ...base, routing_key: "k", static_routing_key: true };
  for (const [path, probe] of [
    ["/__health", "liveness"],
    ["/__ready", "readiness"],
  ] as const) {
    const { diagnostics } = run(config([producerEndpoint(path, block, { method: "GET" })]));
    assert.equal(codes(diagnostics), ["warning:AG228"], path);
    assert.is(diagnostics[0]?.pointer, "/endpoints/0/endpoint");
    assert.match(diagnostics[0]?.message ?? "", probe);
    assert.match(diagnostics[0]?.hint ?? "", /probes: \{/);
  }
  assert.equal(run(config([producerEndpoint("/__health", block)])).diagnostics, [], "POST is routed as usual");
});

test.run();
