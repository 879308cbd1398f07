/**
 * Every diagnostic amqp-gen can report, in code order: its severity, its title (the README's
 * "Diagnostics" table is generated from these: `npm run gen:readme`), its message and its fix.
 *
 * A diagnostic is made only through `Diagnostics`: `Diagnostics.AG201({ ... })` gives a
 * `Finding` (code, severity, message, fix) from the facts of one occurrence, typed per code, and
 * the phase that found it adds the position (`diagnosticAt`). So a call site can neither invent a
 * code nor choose a severity, and every sentence a user reads is written here.
 *
 * Facts are what the call site knows (a key, a field, a count); phrases that name a place or a
 * value in the config ("item 2 of "host"", "an array") are facts too. Sentences and fixes are not.
 */
import { quote } from "../pipeline/text.js";

/** How bad a diagnostic is: an error stops the output; a warning or a note does not. */
export type Severity = "error" | "warning" | "info";

interface Entry<Facts> {
  readonly severity: Severity;
  /** What the code means, in a few words: the README table's "what" column. */
  readonly title: string;
  readonly message: string | ((facts: Facts) => string);
  /** The diagnostic's hint. */
  readonly fix: string | ((facts: Facts) => string);
}

/** Keeps each entry's facts type (`void`: the entry needs none). */
function entry<Facts = void>(definition: Entry<Facts>): Entry<Facts> {
  return definition;
}

/** A route as messages name it: `POST "/orders/{id}"`. */
interface RouteName {
  readonly method: string;
  readonly path: string;
}

/** `a`/`an` before a word: a JSON Schema type name, or a config level such as "endpoint". */
const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");

/** jsonc-parser's error names, as the AG001 message says them. */
const JSON_PROBLEMS: Readonly<Record<string, string>> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "a property name was expected",
  ValueExpected: "a value was expected",
  ColonExpected: "':' was expected",
  CommaExpected: "',' was expected",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: "the document should end here",
  InvalidCommentToken: "comments are not JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string",
};

/** What makes an `auth/validator` impossible to enforce as written (AG240). */
type JwtProblem =
  | "no-alg"
  | "symmetric-alg"
  | "unknown-alg"
  | "no-keys"
  | "not-a-url"
  | "plain-http"
  | "not-carried-out"
  | "key-strategy"
  | "scopes-without-key"
  | "duration"
  | "claim-pair";

/** Why a bot-detector pattern cannot be carried over from Go's RE2 to JavaScript (AG245). */
export type PatternProblem = "flag" | "posix-class" | "unicode-class" | "escape" | "syntax" | "backtracking";

/** The fix for a missing required field (AG102), by field. */
function addMissingField(field: string): string {
  switch (field) {
    case "exchange":
      return 'Add "exchange": "<name>"; amqp-gen declares it as a topic exchange.';
    case "routing_key":
      return 'Add "routing_key": a param name such as "Route" for /path/{route}, or a literal with "static_routing_key": true.';
    case "name":
      return 'Add "name": "<queue>"; amqp-gen declares that queue and binds it to the exchange.';
    case "version":
      return 'Add "version": 3 at the top of the file.';
    case "endpoint":
      return 'Add "endpoint": "/path" to this endpoint.';
    default:
      return `Add "${field}".`;
  }
}

type InvalidJson =
  | { readonly cause: "depth"; readonly maxDepth: number }
  /** `parseError`: jsonc-parser's name for it, e.g. `CommaExpected`. */
  | { readonly cause: "syntax"; readonly parseError: string }
  | { readonly cause: "unknown" };

/** `field`: the schema error's place, as validate.ts names it (`"exchange"`, `item 0 of "host"`). */
type NotAllowed =
  | { readonly rule: "enum"; readonly field: string; readonly allowed: readonly unknown[] }
  | { readonly rule: "const"; readonly field: string; readonly value: unknown; readonly isVersion: boolean };

type BadFormat =
  | { readonly rule: "minLength"; readonly field: string; readonly isExchange: boolean }
  | { readonly rule: "pattern"; readonly field: string; readonly pattern: string; readonly isTimeout: boolean }
  /** `minimum` or `maximum`: `limit` is the bound the value crossed. */
  | { readonly rule: "range"; readonly field: string; readonly bound: "minimum" | "maximum"; readonly limit: number }
  /** Any other schema keyword: `problem` is Ajv's own words. */
  | { readonly rule: "other"; readonly field: string; readonly problem: string | undefined };

export type BadPath =
  | { readonly problem: "invalid-name"; readonly segment: string }
  | { readonly problem: "repeated"; readonly name: string }
  /** Two params KrakenD names alike (`{id}` and `{Id}` are both `Id`). */
  | { readonly problem: "same-key"; readonly first: string; readonly second: string; readonly key: string }
  | { readonly problem: "partial"; readonly segment: string };

/** `settings`: the config fields whose values differ, quoted and joined (`"durable"/"delete"`). */
type TopologyClash =
  | { readonly declares: "exchange"; readonly name: string; readonly route: RouteName; readonly first: RouteName; readonly settings: string }
  | { readonly declares: "queue"; readonly name: string; readonly first: RouteName; readonly settings: string };

export const CATALOGUE = {
  AG001: entry<InvalidJson>({
    severity: "error",
    title: "invalid JSON (including comments, which KrakenD's parser rejects)",
    message: (f) =>
      f.cause === "depth"
        ? `Invalid JSON: nested more than ${f.maxDepth} levels deep.`
        : f.cause === "syntax"
          ? `Invalid JSON: ${JSON_PROBLEMS[f.parseError] ?? f.parseError}.`
          : "Invalid JSON.",
    fix: (f) => {
      if (f.cause === "depth") return "No KrakenD config needs this depth: look for a generated or corrupted value here.";
      if (f.cause === "unknown") return "Check the file with a JSON-aware editor.";
      if (f.parseError === "InvalidCommentToken") return 'KrakenD reads plain JSON: remove the comment, or move it into a key starting with "@comment".';
      if (f.parseError === "PropertyNameExpected" || f.parseError === "ValueExpected")
        return "Check for a trailing comma or a missing value just before this position.";
      return "Fix the JSON syntax at this position; a JSON-aware editor shows the exact token.";
    },
  }),
  AG002: entry({
    severity: "warning",
    title: "duplicate key: the last one wins, as in Go",
    message: "Duplicate key: the last occurrence wins (as in KrakenD's Go parser), earlier ones are ignored.",
    fix: "Remove the duplicate so that the config says one thing.",
  }),

  AG101: entry<{ field: string; expected: string; actual: string; routingKeyArray: boolean }>({
    severity: "error",
    title: "schema: wrong type",
    message: (f) => `${f.field} must be ${article(f.expected)} ${f.expected}, not ${f.actual}.`,
    fix: (f) =>
      f.routingKeyArray
        ? 'Write the key as a string, e.g. "routing_key": "#". (KrakenD would silently turn this backend into a failing HTTP backend.)'
        : `Change the value to ${article(f.expected)} ${f.expected}.`,
  }),
  /** `container`: where the field is missing, null at the root. */
  AG102: entry<{ field: string; container: string | null }>({
    severity: "error",
    title: "schema: missing required field",
    message: (f) => `Missing required field "${f.field}"${f.container !== null ? ` in ${f.container}` : ""}.`,
    fix: (f) => addMissingField(f.field),
  }),
  AG103: entry<{ field: string; block: "producer" | "@amqp-gen" | null; suggestion: string | undefined }>({
    severity: "error",
    title: 'schema: unknown field (with "did you mean")',
    message: (f) => `Unknown field "${f.field}"${f.block === "producer" ? " in the producer block" : f.block ? ` in the "${f.block}" block` : ""}.`,
    fix: (f) =>
      f.suggestion
        ? `Did you mean "${f.suggestion}"?`
        : f.block === "producer"
          ? 'Remove it; keys starting with "@", "$", "_" or "#" are allowed as comments.'
          : "Remove it.",
  }),
  AG104: entry<NotAllowed>({
    severity: "error",
    title: "schema: value not allowed",
    message: (f) =>
      f.rule === "enum" ? `${f.field} must be one of ${f.allowed.map((v) => JSON.stringify(v)).join(", ")}.` : `${f.field} must be ${JSON.stringify(f.value)}.`,
    fix: (f) =>
      f.rule === "enum" ? "Pick one of the listed values." : f.isVersion ? 'amqp-gen reads KrakenD 2.x configs: set "version": 3.' : "Use the value shown.",
  }),
  AG105: entry<BadFormat>({
    severity: "error",
    title: "schema: bad format",
    message: (f) =>
      f.rule === "minLength"
        ? `${f.field} must not be empty.`
        : f.rule === "pattern"
          ? `${f.field} has an invalid format.`
          : f.rule === "range"
            ? `${f.field} must be ${f.bound === "maximum" ? "at most" : "at least"} ${f.limit}.`
            : `${f.field} ${f.problem ?? "is invalid"}.`,
    fix: (f) => {
      if (f.rule === "minLength")
        return f.isExchange ? "Name the exchange: the broker refuses to publish to the empty exchange name here." : "Give it a value.";
      if (f.rule === "pattern") return f.isTimeout ? 'Use a Go duration such as "2s", "1500ms" or "1m30s".' : `It must match ${f.pattern}.`;
      if (f.rule === "range") return `Use a value ${f.bound === "maximum" ? "no greater" : "no less"} than ${f.limit}.`;
      return "Check the value against the schema's description of this field.";
    },
  }),

  /** `keys`: the endpoint's params as KrakenD names them; `suggestion`: the closest of them. */
  AG201: entry<{ field: string; key: string; endpoint: string; keys: readonly string[]; suggestion: string | undefined }>({
    severity: "error",
    title: "`routing_key` / `*_key` names no endpoint param",
    message: (f) => `"${f.field}": ${quote(f.key)} names no param of endpoint ${quote(f.endpoint)}.`,
    fix: (f) => {
      const guess = f.suggestion;
      if (guess)
        return `Did you mean "${guess}"? KrakenD upper-cases the first letter of path params: {${guess.charAt(0).toLowerCase() + guess.slice(1)}} is "${guess}".`;
      if (f.keys.length > 0) return `The endpoint's params are ${f.keys.map((k) => `"${k}"`).join(", ")} (first letter upper-cased, as KrakenD exposes them).`;
      return `Add a {param} to the endpoint path ${quote(f.endpoint)}, or remove "${f.field}".`;
    },
  }),
  AG202: entry<{ key: string }>({
    severity: "warning",
    title: "literal `routing_key` without `static_routing_key` (publishes with the empty key)",
    message: (f) =>
      `"routing_key" ${quote(f.key)} is read as a param name, and the endpoint has no such param: KrakenD publishes with the EMPTY routing key (amqp-gen does the same).`,
    fix: (f) => `To publish with the literal key ${quote(f.key)}, add "static_routing_key": true.`,
  }),
  AG203: entry({
    severity: "warning",
    title: "`immediate: true` (never applied)",
    message: '"immediate": true is never sent: RabbitMQ 3+ closes the connection on it (error 540).',
    fix: 'Remove "immediate"; use "mandatory": true to learn about unroutable messages.',
  }),
  AG204: entry({
    severity: "warning",
    title: "`exclusive: true` (never applied)",
    message: '"exclusive": true is never applied: KrakenD passes it as the exchange\'s internal flag, which makes every publish fail.',
    fix: 'Remove "exclusive".',
  }),
  /** `consumer`: the consumer namespace found beside the producer. */
  AG205: entry<{ consumer: string }>({
    severity: "error",
    title: "consumer and producer on one backend",
    message: "This backend is both an AMQP consumer and a producer: KrakenD attaches only the consumer, so the producer never runs.",
    fix: (f) => `Move the producer to a backend of its own, or remove "${f.consumer}".`,
  }),
  AG206: entry<{ calls: number }>({
    severity: "warning",
    title: "`concurrent_calls > 1`",
    message: (f) => `"concurrent_calls": ${f.calls} makes KrakenD publish every message ${f.calls} times; amqp-gen publishes it once.`,
    fix: 'Remove "concurrent_calls" from producer endpoints.',
  }),
  AG207: entry({
    severity: "error",
    title: "no `host` on the backend or at the root",
    message: 'This producer has no broker: neither the backend nor the config root sets "host".',
    fix: 'Add "host": ["amqp://user:password@broker:5672"] to the backend.',
  }),
  /** `line`: where the first of the two routes is. */
  AG208: entry<{ route: RouteName; line: number }>({
    severity: "error",
    title: "duplicate route (same method, same path)",
    message: (f) => `Duplicate route: ${f.route.method} ${quote(f.route.path)} is already defined at line ${f.line}.`,
    fix: "Remove one of the two endpoints, or give them different methods.",
  }),
  AG209: entry<{ route: RouteName; firstPath: string; line: number }>({
    severity: "error",
    title: "conflicting routes (same method, same shape)",
    message: (f) => `Conflicting routes: ${f.route.method} ${quote(f.route.path)} matches the same requests as ${quote(f.firstPath)} (line ${f.line}).`,
    fix: "Make the paths differ by a fixed segment, or merge the endpoints.",
  }),
  AG210: entry<BadPath>({
    severity: "error",
    title: "endpoint path with a partial `{param}` segment, a wildcard, or a repeated param",
    message: (f) => {
      switch (f.problem) {
        case "invalid-name":
          return `Path param ${quote(f.segment)} is not a valid name.`;
        case "repeated":
          return `Path param {${f.name}} appears twice.`;
        case "same-key":
          return `Path params {${f.first}} and {${f.second}} are both "${f.key}" to KrakenD, which keeps only one of them.`;
        case "partial":
          return `Path segment ${quote(f.segment)} mixes a param with text or uses a wildcard.`;
      }
    },
    fix: (f) => {
      switch (f.problem) {
        case "invalid-name":
          return "Param names use only letters, digits, '_' and '-'.";
        case "repeated":
          return "Give each param its own name.";
        case "same-key":
          return "Rename one of the two params.";
        case "partial":
          return "Each {param} must be a whole path segment, e.g. /orders/{id}.";
      }
    },
  }),
  AG211: entry<{ index: number }>({
    severity: "error",
    title: "a `host` that is not `amqp://` or `amqps://`",
    message: (f) => `host[${f.index}] is not an amqp:// or amqps:// URL.`,
    fix: "Use the form amqp://user:password@broker:5672/vhost, with characters such as / ? # @ in the user or password percent-encoded.",
  }),
  AG212: entry({
    severity: "warning",
    title: "missing `disable_host_sanitize` (KrakenD would refuse the host)",
    message: 'KrakenD refuses an amqp:// host unless the backend sets "disable_host_sanitize": true.',
    fix: 'Add "disable_host_sanitize": true to the backend (amqp-gen itself does not need it).',
  }),
  /** `current`: the namespace to use instead. */
  AG213: entry<{ current: string }>({
    severity: "warning",
    title: "legacy namespace",
    message: "Legacy namespace: KrakenD still accepts it at run time but its schema rejects it.",
    fix: (f) => `Rename the key to "${f.current}".`,
  }),
  AG214: entry<{ field: string }>({
    severity: "info",
    title: "`prefetch_count`, `prefetch_size` or `no_local`, which the producer ignores",
    message: (f) => `"${f.field}" is a consumer setting; the producer ignores it.`,
    fix: "Remove it, or keep it for documentation.",
  }),
  AG215: entry<{ endpoint: string; producers: number }>({
    severity: "error",
    title: "more than one producer in one endpoint",
    message: (f) => `Endpoint ${quote(f.endpoint)} has ${f.producers} producer backends; amqp-gen generates one producer per endpoint.`,
    fix: "Split the producers into separate endpoints.",
  }),
  AG216: entry<TopologyClash>({
    severity: "error",
    title: "two routes declare one exchange or queue differently (the broker would refuse the second)",
    message: (f) =>
      f.declares === "exchange"
        ? `Exchange ${quote(f.name)} is declared differently by ${f.route.method} ${quote(f.route.path)} and ${f.first.method} ${quote(f.first.path)} (${f.settings}): the broker refuses the second declaration.`
        : `Queue ${quote(f.name)} is declared differently by this route and by ${f.first.method} ${quote(f.first.path)} (${f.settings}): the broker refuses the second declaration.`,
    fix: (f) => `Give both producers the same ${f.settings}.`,
  }),
  AG217: entry<{ encoding: string }>({
    severity: "warning",
    title: "an `output_encoding` amqp-gen answers as `json`",
    message: (f) => `output_encoding ${quote(f.encoding)} is answered as "json" (body null) by amqp-gen.`,
    fix: 'Set "output_encoding": "json" or "no-op" on producer endpoints.',
  }),
  /** `current`: the namespace to keep. */
  AG218: entry<{ current: string }>({
    severity: "error",
    title: "a backend with both the producer namespace and its legacy alias",
    message: "This backend has both the producer namespace and its legacy alias.",
    fix: (f) => `Keep only "${f.current}".`,
  }),
  AG219: entry({
    severity: "info",
    title: "`no_wait` is ignored",
    message: '"no_wait" is ignored: amqp-gen always waits for the broker to confirm declarations.',
    fix: 'Nothing to do; remove "no_wait" if you like.',
  }),
  AG220: entry({
    severity: "warning",
    title: "empty queue `name`: no queue declared",
    message: 'The queue "name" is empty: amqp-gen declares no queue for this route.',
    fix: "Name the queue the messages should land in.",
  }),
  AG221: entry<{ timeout: string }>({
    severity: "error",
    title: "a timeout that is not a positive duration",
    message: (f) => `Timeout ${quote(f.timeout)} is not a positive duration of at most 24 days.`,
    fix: 'Use a Go duration such as "2s" or "1500ms" (timers cannot wait longer than 2^31 - 1 ms).',
  }),
  /** `keyword`: its pointer inside the schema. */
  AG222: entry<{ keyword: string }>({
    severity: "warning",
    title: "a body-schema keyword the generated validator does not enforce",
    message: (f) => `JSON Schema keyword at ${f.keyword} is not enforced by the generated validator, nor described in asyncapi.json.`,
    fix: "Express the rule with supported keywords, or accept that it is not checked.",
  }),
  AG223: entry<{ endpoint: string; others: number }>({
    severity: "warning",
    title: "a producer endpoint with other backends (only the producer is generated)",
    message: (f) => `Endpoint ${quote(f.endpoint)} mixes the producer with ${f.others} other backend(s); amqp-gen generates only the producer.`,
    fix: "Give the other backends an endpoint of their own if the service must call them.",
  }),
  /** `first`: the route whose policy (`backoff`, `maxRetries`) the connection follows. */
  AG224: entry<{ first: RouteName; backoff: string; maxRetries: number }>({
    severity: "warning",
    title: "producers sharing a broker connection disagree on `backoff_strategy`/`max_retries`",
    message: (f) =>
      `This producer shares its broker connection with ${f.first.method} ${quote(f.first.path)}, which sets another "backoff_strategy"/"max_retries"; the connection follows that route ("${f.backoff}", ${f.maxRetries}).`,
    fix: 'Give producers on the same host the same "backoff_strategy" and "max_retries".',
  }),
  /** `problem`: why the schema compiler refused it. */
  AG225: entry<{ problem: string }>({
    severity: "warning",
    title: "a `validation/json-schema` that is not a usable schema: like KrakenD, the body is not validated",
    message: (f) => `The endpoint's "validation/json-schema" is not a usable schema (${f.problem}); like KrakenD, the body is not validated.`,
    fix: "Fix the schema so that requests are validated.",
  }),
  AG226: entry<{ credentials: readonly string[] }>({
    severity: "warning",
    title: '`input_headers: ["*"]` on a producer endpoint: credentials (`Authorization`, `Cookie`, `Proxy-Authorization`) are copied into every message',
    message: (f) => `"input_headers": ["*"] copies every request header into every message, credentials included (${f.credentials.join(", ")}).`,
    fix: 'List the headers the consumers need instead, for example "input_headers": ["Content-Type", "X-Request-Id"].',
  }),
  /** `header`: as written in the config; `host`: whether it is Host (else a hop-by-hop header). */
  AG227: entry<{ header: string; host: boolean }>({
    severity: "warning",
    title: "`input_headers` lists a hop-by-hop header or Host, which are never forwarded",
    message: (f) =>
      f.host
        ? `${quote(f.header)} is never forwarded: Go keeps Host out of the request's headers, so KrakenD never sends it; it travels as X-Forwarded-Host.`
        : `${quote(f.header)} is a hop-by-hop header: it describes the client's HTTP connection, and amqp-gen never forwards it.`,
    fix: (f) => `Remove ${quote(f.header)} from "input_headers".`,
  }),
  /** `path`: the endpoint; `probe`: which probe answers it. */
  AG228: entry<{ path: string; probe: "health" | "ready" }>({
    severity: "warning",
    title: "a `GET` endpoint on a probe's path (`/__health`, `/__ready`), which the probe answers instead",
    message: (f) =>
      `GET ${quote(f.path)} is answered by the ${f.probe === "health" ? "liveness" : "readiness"} probe of the generated listener and adapters, not by this endpoint.`,
    fix: (f) => `Rename the endpoint, or move the probe: createRequestListener(publisher, { probes: { ${f.probe}: "/other-path" } }).`,
  }),
  AG229: entry<{ queue: "none" | "not-declared"; which: "queue_arguments" | "exchange_arguments" }>({
    severity: "warning",
    title: "`@amqp-gen` declaration arguments that nothing is declared with",
    message: (f) =>
      f.queue === "none"
        ? `"${f.which}" is set but the producer has no queue "name": no queue is declared, so the arguments are not used.`
        : `"${f.which}" is set but "declare" is false: nothing is declared, so the arguments are not used.`,
    fix: (f) =>
      f.queue === "none" ? 'Give the producer a queue "name", or remove "queue_arguments".' : `Remove "${f.which}", or declare the topology ("declare": true).`,
  }),
  AG230: entry<{ queue: string; key: string }>({
    severity: "warning",
    title: "a `priority_key` whose queue is not a priority queue (RabbitMQ ignores the priority)",
    message: (f) =>
      `"priority_key" ${quote(f.key)} sets each message's priority, but queue ${quote(f.queue)} is declared without "x-max-priority", so RabbitMQ ignores it.`,
    fix: 'Add "@amqp-gen": { "queue_arguments": { "x-max-priority": 10 } } to the producer (a queue that exists must be deleted first: its arguments cannot change).',
  }),
  AG231: entry<{ exchange: string; queue: string; key: string }>({
    severity: "warning",
    title: "a direct exchange with a routing key from a param: the queue is not bound",
    message: (f) =>
      `Exchange ${quote(f.exchange)} is "direct", which routes exact keys, and the routing key comes from the param ${quote(f.key)}: no binding takes every message, so queue ${quote(f.queue)} is declared but not bound.`,
    fix: 'Set "static_routing_key": true with the key to bind, use "exchange_type": "topic", or bind the queue yourself.',
  }),
  AG232: entry<{ key: string }>({
    severity: "error",
    title: "a request-reply endpoint (`@amqp-gen.reply`) that also sets `reply_to_key`",
    message: (f) =>
      `"reply_to_key" ${quote(f.key)} would set the message's reply-to, but a request-reply endpoint ("@amqp-gen": { "reply": … }) sets it to RabbitMQ's direct reply-to to receive the reply itself.`,
    fix: 'Remove "reply_to_key", or remove "reply" to publish without waiting for a reply.',
  }),
  AG233: entry<Record<string, never>>({
    severity: "warning",
    title: 'a KrakenD 1.x config (`"version": 2`), read as it is, which KrakenD 2.x refuses',
    message: () =>
      'This is a KrakenD 1.x config ("version": 2). amqp-gen reads it, but KrakenD 2.x refuses it: 2.x reads "version": 3, renamed "headers_to_pass" to "input_headers", and the producer namespace "github.com/devopsfaith/krakend-amqp/produce" to "backend/amqp/producer".',
    fix: 'Set "version": 3, rename "headers_to_pass" to "input_headers" and the producer namespace to "backend/amqp/producer" (KrakenD\'s migration tool, krakend-config-migrator, does it).',
  }),
  /** `key`: as written; `what`: what KrakenD enforces with it, as a noun phrase. */
  AG234: entry<{ key: string; what: string }>({
    severity: "error",
    title: "a security namespace the generated service does not enforce (an error until acknowledged as `enforced_upstream`)",
    message: (f) =>
      `${quote(f.key)} (${f.what}) is not enforced by the generated service: the requests it would stop or change would be published as they come.`,
    fix: (f) =>
      `If something in front of the service enforces it (a gateway, a mesh), say so beside it, in this "extra_config": "@amqp-gen": { "enforced_upstream": [${quote(f.key)}] }. Otherwise keep KrakenD in front of this endpoint, or remove it.`,
  }),
  AG235: entry<{ key: string; what: string }>({
    severity: "warning",
    title: "a security namespace acknowledged as `enforced_upstream`: not enforced by the generated service",
    message: (f) => `${quote(f.key)} (${f.what}) is not enforced by the generated service; "enforced_upstream" says that something in front of it does.`,
    fix: "Make sure that requests reach the service only through what enforces it (a private network, mTLS): a request sent to the service directly is not checked.",
  }),
  /** `why`: why it changes nothing, from the namespace table. */
  AG236: entry<{ key: string; why: string }>({
    severity: "info",
    title: "a namespace with no effect on the generated service",
    message: (f) => `${quote(f.key)} has no effect on the generated service: ${f.why}.`,
    fix: "Nothing to do: KrakenD still reads it.",
  }),
  /** `why`: what KrakenD would do that the generated service does not, from the namespace table. */
  AG237: entry<{ key: string; why: string }>({
    severity: "warning",
    title: "a namespace the generated service does not carry out (its answers differ from KrakenD's)",
    message: (f) => `${quote(f.key)} is not carried out by the generated service: ${f.why}.`,
    fix: "If clients rely on it, keep KrakenD in front of this endpoint; otherwise remove it.",
  }),
  /**
   * `level`: the extra_config's owner (service, endpoint, backend); `levels`: where a misplaced
   * namespace belongs (empty when it is unknown); `suggestion`: the closest known namespace.
   */
  AG238: entry<{ key: string; level: string; levels: readonly string[]; suggestion: string | undefined }>({
    severity: "warning",
    title: "an unknown namespace, or one at a level where KrakenD ignores it",
    message: (f) =>
      f.levels.length > 0
        ? `${quote(f.key)} is ${f.levels.join(" and ")} configuration: in ${article(f.level)} ${f.level}'s "extra_config" KrakenD ignores it, and so does the generated service.`
        : `${quote(f.key)} is not a KrakenD ${f.level} namespace that amqp-gen knows: nothing in the generated service carries it out.`,
    fix: (f) =>
      f.levels.length > 0
        ? `Move it to the "extra_config" of the ${f.levels[0]}${f.levels[0] === "service" ? " (the file's top level)" : ""}.`
        : f.suggestion
          ? `Did you mean ${quote(f.suggestion)}?`
          : 'If it comes from a newer KrakenD, check what it does, since the generated service ignores it; a key starting with "@" is a comment.',
  }),
  /** `problem`: "absent" (not in this extra_config), "enforced" (amqp-gen enforces it), "noted" (not a refused namespace). */
  AG239: entry<{ namespace: string; problem: "absent" | "enforced" | "noted" }>({
    severity: "warning",
    title: "an `enforced_upstream` entry that acknowledges nothing",
    message: (f) =>
      f.problem === "absent"
        ? `"enforced_upstream" lists ${quote(f.namespace)}, which this "extra_config" does not hold: it acknowledges nothing.`
        : f.problem === "enforced"
          ? `"enforced_upstream" lists ${quote(f.namespace)}, which the generated service enforces itself.`
          : `"enforced_upstream" lists ${quote(f.namespace)}, which is not a security control: nothing to acknowledge.`,
    fix: (f) =>
      f.problem === "absent"
        ? "An acknowledgement counts only for its own extra_config: move it beside the namespace, or remove it."
        : "Remove it from the list.",
  }),
  /** `field`: the `auth/validator` field at fault; `value`: what it holds, when that says something. */
  AG240: entry<{ field: string; problem: JwtProblem; value?: string }>({
    severity: "error",
    title: "an `auth/validator` the generated service cannot enforce as written (KrakenD would fail at start, or check less than it says)",
    message: (f) => {
      switch (f.problem) {
        case "no-alg":
          return '"auth/validator" has no "alg": KrakenD refuses to start, and no token could be checked.';
        case "symmetric-alg":
          return `"alg" ${quote(f.value ?? "")} is an HMAC algorithm: its secret would be a key of the JWKS, which the generated service does not read (it verifies signatures with public keys).`;
        case "unknown-alg":
          return `"alg" ${quote(f.value ?? "")} is not a JWS algorithm KrakenD accepts.`;
        case "no-keys":
          return '"auth/validator" has neither "jwk_url" nor "jwk_local_path": there is no key to check a token with.';
        case "not-a-url":
          return `"jwk_url" ${quote(f.value ?? "")} is not an http:// or https:// URL.`;
        case "plain-http":
          return `"jwk_url" ${quote(f.value ?? "")} is plain HTTP: anyone on the path could hand the service their own keys.`;
        case "not-carried-out":
          return `"${f.field}" is part of KrakenD's key handling that the generated service does not carry out: the keys would be checked less than the config says.`;
        case "key-strategy":
          return `"key_identify_strategy" ${quote(f.value ?? "")}: the generated service finds keys by "kid" only.`;
        case "scopes-without-key":
          return '"scopes" is set without "scopes_key": KrakenD silently checks no scope at all.';
        case "duration":
          return `"${f.field}" ${quote(f.value ?? "")} is not a Go duration of at least 1s.`;
        case "claim-pair":
          return `"propagate_claims" item ${f.value ?? ""} is not a [claim, header] pair of non-empty strings.`;
      }
    },
    fix: (f) => {
      switch (f.problem) {
        case "no-alg":
        case "unknown-alg":
          return 'Set "alg" to the algorithm your identity provider signs with, such as "RS256".';
        case "symmetric-alg":
          return "Sign tokens with a public-key algorithm (RS256, ES256, PS256, EdDSA), or keep KrakenD in front of this endpoint.";
        case "no-keys":
          return 'Add "jwk_url": your identity provider\'s JWKS URL (https://…/.well-known/jwks.json).';
        case "not-a-url":
          return 'Set "jwk_url" to the https:// URL of the key set.';
        case "plain-http":
          return 'Use https://, or (for a development setup only) add "disable_jwk_security": true.';
        case "not-carried-out":
          return `Remove "${f.field}" and serve the key set from a URL whose certificate the system trusts, or keep KrakenD in front of this endpoint.`;
        case "key-strategy":
          return 'Remove "key_identify_strategy" (or set "kid"), with a key set whose keys have a "kid".';
        case "scopes-without-key":
          return 'Add "scopes_key": the claim that holds the scopes, such as "scope".';
        case "duration":
          return 'Write it as a Go duration, such as "1s" or "1m30s".';
        case "claim-pair":
          return 'Write each item as ["claim", "Header-Name"], such as ["sub", "X-User"].';
      }
    },
  }),
  AG241: entry<{ header: string; claim: string }>({
    severity: "warning",
    title: "a propagated claim whose header the endpoint does not forward (`input_headers`)",
    message: (f) =>
      `"propagate_claims" writes claim ${quote(f.claim)} into header ${quote(f.header)}, which "input_headers" does not forward: the message will not carry it (KrakenD's backend would not get it either).`,
    fix: (f) => `Add ${quote(f.header)} to "input_headers".`,
  }),
  /** `problem`: "tls-checked" (disable_jwk_security with https), "no-effect" (operation_debug), "unknown" (a field amqp-gen does not know). */
  AG242: entry<{ field: string; problem: "tls-checked" | "no-effect" | "unknown"; suggestion: string | undefined }>({
    severity: "warning",
    title: "an `auth/validator` field that does not do here what KrakenD does with it",
    message: (f) =>
      f.problem === "tls-checked"
        ? '"disable_jwk_security" lets KrakenD skip the certificate check of an https:// key set too; the generated service always checks it (it only allows http:// URLs).'
        : f.problem === "no-effect"
          ? `"${f.field}" has no effect on the generated service: it never logs tokens or claims.`
          : `"${f.field}" is not an "auth/validator" field that amqp-gen knows: it is not carried out.`,
    fix: (f) =>
      f.problem === "unknown" && f.suggestion
        ? `Did you mean ${quote(f.suggestion)}?`
        : f.problem === "tls-checked"
          ? "Nothing to do for an https:// URL; remove it."
          : "Remove it.",
  }),
  /** `value`: the strategy, key or duration at fault; `suggestion`: the closest valid one. */
  AG243: entry<{ problem: "strategy" | "no-key" | "no-param" | "every"; value: string; suggestion: string | undefined }>({
    severity: "error",
    title: "a `qos/ratelimit/router` whose client limit (or period) KrakenD would silently not apply",
    message: (f) => {
      switch (f.problem) {
        case "strategy":
          return `"strategy" ${quote(f.value)} is not "ip", "header" or "param": KrakenD silently drops the client limit, so every client would share the endpoint's.`;
        case "no-key":
          return `A "${f.value}" strategy without "key": there is nothing to tell clients apart by, and every request would be refused (429).`;
        case "no-param":
          return `"key" ${quote(f.value)} names no path param of this endpoint: every request would be refused (429).`;
        case "every":
          return `"every" ${quote(f.value)} is not a Go duration.`;
      }
    },
    fix: (f) => {
      switch (f.problem) {
        case "strategy":
          return f.suggestion ? `Did you mean ${quote(f.suggestion)}?` : 'Set "strategy" to "ip" (the client\'s address), "header" or "param" (with "key").';
        case "no-key":
          return `Add "key": the ${f.value === "header" ? "header" : "path param"} that names the client.`;
        case "no-param":
          return f.suggestion ? `Did you mean ${quote(f.suggestion)}?` : "Name one of the endpoint's {params}, as written in the endpoint.";
        case "every":
          return 'Write it as a Go duration, such as "1s", "1m" or "1h".';
      }
    },
  }),
  AG244: entry<{ problem: "client-capacity" | "every" | "ip-key" | "no-effect" | "unknown"; value: string }>({
    severity: "warning",
    title: "a `qos/ratelimit/router` field that does not do what it seems to (as in KrakenD), or nothing here",
    message: (f) => {
      switch (f.problem) {
        case "client-capacity":
          return `Without "max_rate", KrakenD gives each client a bucket of 1 token, whatever "client_max_rate" ${f.value} says: a client cannot send two requests at once. The generated service does the same.`;
        case "every":
          return `"every" ${quote(f.value)} is below 1s: KrakenD reads it as 1s, and so does the generated service.`;
        case "ip-key":
          return `With the "ip" strategy, KrakenD takes the client's address from header ${quote(f.value)} unchecked, which lets a client choose its own bucket. The generated service takes the socket's peer, or X-Forwarded-For through the proxies it is told to trust ("trustedProxies"): "key" is not read.`;
        case "no-effect":
          return `"${f.value}" tunes KrakenD's own store of buckets; it has no effect on the generated service (its client buckets are bounded in number, least recently used out).`;
        case "unknown":
          return `"${f.value}" is not a "qos/ratelimit/router" field that amqp-gen knows: it is not carried out.`;
      }
    },
    fix: (f) => {
      switch (f.problem) {
        case "client-capacity":
          return `Set "client_capacity" to the burst a client may send (KrakenD's documented default would be ${quote(f.value)}).`;
        case "every":
          return 'Set "every": "1s", or a longer period with a larger rate.';
        case "ip-key":
          return 'Remove "key", and pass the proxies in front of the service as "trustedProxies" to the listener or adapter.';
        default:
          return "Remove it.";
      }
    },
  }),
  /** `pattern`: as written; `problem`: what it uses that JavaScript reads otherwise, or cannot run safely. */
  AG245: entry<{ pattern: string; problem: PatternProblem }>({
    severity: "error",
    title: "a `security/bot-detector` pattern that cannot mean in JavaScript what it means in Go (RE2), or could backtrack exponentially",
    message: (f) => {
      const what: Record<PatternProblem, string> = {
        flag: "an inline flag other than a leading (?i), (?m) or (?s)",
        "posix-class": "a POSIX class such as [[:alpha:]]",
        "unicode-class": "a Unicode class (\\pL, \\p{Greek}), which JavaScript reads only with flags that change the rest",
        escape: "an escape JavaScript reads otherwise (\\z, \\A, \\C, \\Q…\\E, \\x{…}, a backreference)",
        syntax: "syntax JavaScript does not read",
        backtracking:
          "a repeated group holding a quantifier or an alternation: RE2 runs it in linear time, a JavaScript engine can take exponential time on an input crafted for it",
      };
      return `Pattern ${quote(f.pattern)} uses ${what[f.problem]}.`;
    },
    fix: (f) =>
      f.problem === "backtracking"
        ? 'Rewrite it without a quantifier inside a repeated group (often the outer repetition is not needed), or list the User-Agents in "deny".'
        : 'Rewrite it in the syntax both engines read the same way (character classes such as [A-Za-z], ^ and $), or list the User-Agents in "deny".',
  }),
  AG246: entry<{ field: string; suggestion: string | undefined }>({
    severity: "warning",
    title: "a `security/bot-detector` field amqp-gen does not know",
    message: (f) => `"${f.field}" is not a "security/bot-detector" field that amqp-gen knows: it is not carried out.`,
    fix: (f) => (f.suggestion ? `Did you mean ${quote(f.suggestion)}?` : "Remove it."),
  }),
  AG247: entry<{ host: string }>({
    severity: "error",
    title: "a `security/http` host pattern that is not a regular expression, or could backtrack exponentially",
    message: (f) =>
      `"allowed_hosts_are_regex" is set, and ${quote(f.host)} is not a regular expression, or repeats a group holding a quantifier or an alternation (exponential time on a Host crafted for it).`,
    fix: 'Write it as a regular expression matched against the whole Host, such as "api\\.example\\.com", or unset "allowed_hosts_are_regex".',
  }),
  AG248: entry<{ field: string; problem: "development" | "no-effect" | "unknown"; suggestion: string | undefined }>({
    severity: "warning",
    title: "a `security/http` field that turns its checks off, or that the generated service does not carry out",
    message: (f) =>
      f.problem === "development"
        ? '"is_development" turns the allowed hosts, the HTTPS redirect and Strict-Transport-Security off, in KrakenD and in the generated service.'
        : f.problem === "no-effect"
          ? `"${f.field}" (HTTP Public Key Pinning) is not sent by the generated service: browsers no longer read it.`
          : `"${f.field}" is not a "security/http" field that amqp-gen knows: it is not carried out.`,
    fix: (f) =>
      f.problem === "development"
        ? "Remove it outside development."
        : f.problem === "unknown" && f.suggestion
          ? `Did you mean ${quote(f.suggestion)}?`
          : "Remove it.",
  }),
  AG249: entry<{ problem: "credentials-any-origin" | "wildcards" | "max-age"; value: string }>({
    severity: "error",
    title: "a `security/cors` that browsers would refuse, or that cannot be read",
    message: (f) =>
      f.problem === "credentials-any-origin"
        ? '"allow_credentials" with any origin (no "allow_origins", or "*"): browsers refuse a credentialed answer to "*", so every credentialed request from a page would fail.'
        : f.problem === "wildcards"
          ? `Origin ${quote(f.value)} has more than one "*": KrakenD matches one wildcard per origin.`
          : `"max_age" ${quote(f.value)} is not a Go duration.`,
    fix: (f) =>
      f.problem === "credentials-any-origin"
        ? 'List the origins allowed in "allow_origins", or remove "allow_credentials".'
        : f.problem === "wildcards"
          ? 'Use one "*", such as "https://*.example.com".'
          : 'Write it as a Go duration, such as "12h".',
  }),
  AG250: entry<{ field: string; problem: "no-effect" | "unknown"; suggestion: string | undefined }>({
    severity: "warning",
    title: "a `security/cors` field the generated service does not carry out",
    message: (f) =>
      f.problem === "no-effect"
        ? `"${f.field}" (KrakenD's CORS debug log) has no effect on the generated service.`
        : `"${f.field}" is not a "security/cors" field that amqp-gen knows: it is not carried out.`,
    fix: (f) => (f.problem === "unknown" && f.suggestion ? `Did you mean ${quote(f.suggestion)}?` : "Remove it."),
  }),
  AG251: entry<{ entry: string }>({
    severity: "error",
    title: "a `router.trusted_proxies` entry that is not an IP address or CIDR range",
    message: (f) => `${quote(f.entry)} in "trusted_proxies" is not an IP address or a CIDR range: no proxy could be matched against it.`,
    fix: 'Write an address ("10.0.0.1", "::1") or a range ("10.0.0.0/8", "fd00::/8").',
  }),
  AG252: entry<Record<string, never>>({
    severity: "warning",
    title: "`ssl_redirect` without a way to tell HTTPS behind a proxy",
    message: () =>
      '"ssl_redirect" redirects every request that did not reach the service over TLS. Behind a proxy or load balancer that terminates TLS, that is every request, unless "ssl_proxy_headers" says how the proxy marks HTTPS ones.',
    fix: 'Add "ssl_proxy_headers": { "X-Forwarded-Proto": "https" } and pass the proxy\'s address as "trustedProxies" (or "router.trusted_proxies"); or remove "ssl_redirect" if the service terminates TLS itself.',
  }),
  AG253: entry<{ keyword: string }>({
    severity: "warning",
    title: "a body schema keyword asyncapi.json cannot carry",
    message: (f) =>
      `${quote(f.keyword)} is not part of JSON Schema draft-07, the schema format of AsyncAPI 3.0: asyncapi.json describes the body without it. The producer's validation is not affected.`,
    fix: (f) =>
      f.keyword === "$anchor"
        ? 'Refer to the schema by its JSON pointer ("#/definitions/...") and remove "$anchor".'
        : `Remove ${quote(f.keyword)}, or say the same in draft-07 terms.`,
  }),
  AG254: entry<{ queue: string; route: string; others: readonly string[] }>({
    severity: "warning",
    title: "with `--consumers`: a route's queue can also receive other routes' messages",
    message: (f) =>
      `Queue ${quote(f.queue)} can also receive the messages of ${f.others.slice(0, 3).join(", ")}${f.others.length > 3 ? ` and ${f.others.length - 3} more` : ""}: the typed consumer of ${f.route} checks each message against its own route, and rejects (or, where they look alike, mistakes) the others'.`,
    fix: 'Give each route a queue of its own ("name"), bound to its own key ("static_routing_key"), where a consumer should see only its route; or consume the shared queue with a consumer of your own.',
  }),

  /** `folder`: the `--templates` folder; `problem`: the first line of the render error. */
  AG901: entry<{ folder: string; problem: string }>({
    severity: "error",
    title: "a custom template (`--templates`) failed to render",
    message: (f) => `A template in ${f.folder} failed: ${f.problem}`,
    fix: "Compare it with the built-in template of the same name in amqp-gen's templates/ folder (variables are strict).",
  }),
} as const;

export type DiagnosticCode = keyof typeof CATALOGUE;

/** The facts one occurrence of `code` is made from (`void`: none). */
export type FactsOf<C extends DiagnosticCode> = (typeof CATALOGUE)[C] extends Entry<infer Facts> ? Facts : never;

/** A diagnostic before it has a place in the config. */
export interface Finding {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly hint: string;
}

/** Every code, in code order. */
export const CODES = Object.keys(CATALOGUE) as readonly DiagnosticCode[];

function maker<C extends DiagnosticCode>(code: C): (facts: FactsOf<C>) => Finding {
  // Indexing the catalogue by a generic code loses the link to FactsOf<C>; it is the same entry.
  const definition = CATALOGUE[code] as Entry<FactsOf<C>>;
  const text = (part: string | ((facts: FactsOf<C>) => string), facts: FactsOf<C>) => (typeof part === "string" ? part : part(facts));
  return (facts) => ({ code, severity: definition.severity, message: text(definition.message, facts), hint: text(definition.fix, facts) });
}

/** The one way to make a diagnostic: `Diagnostics.AG201({ field, key, endpoint, keys, suggestion })`. */
export const Diagnostics = Object.fromEntries(CODES.map((code) => [code, maker(code)])) as {
  readonly [C in DiagnosticCode]: (facts: FactsOf<C>) => Finding;
};
