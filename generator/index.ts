/**
 * amqp-gen's programmatic API. `generate` is pure: config text in, files and diagnostics out,
 * nothing read or written but the package's own schema and templates.
 *
 *   load → validate → analyse (KrakenD → IR) → plan (names, files) → emit
 */
import { analyse } from "./pipeline/analyse.js";
import { asyncapiDocument } from "./pipeline/asyncapi.js";
import { Diagnostics } from "./diagnostics/catalogue.js";
import { diagnosticAt, hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostics.js";
import { emit, type BodyCode, type GeneratedFile } from "./pipeline/emit.js";
import { load, type SourceMap } from "./pipeline/load.js";
import type { ProgramIR } from "./pipeline/ir.js";
import { plan, type RoutePlan } from "./pipeline/plan.js";
import { sharedQueueDiagnostics } from "./pipeline/queues.js";
import { terminalSafe } from "./diagnostics/format.js";
import { ADAPTERS, loadTemplates, TemplateError, type Adapter, type Templates } from "./pipeline/templates.js";
import { validate } from "./pipeline/validate.js";

export type { Diagnostic, Severity } from "./diagnostics/diagnostics.js";
export type { GeneratedFile } from "./pipeline/emit.js";
export { ADAPTERS, type Adapter } from "./pipeline/templates.js";
export type { ProgramIR, RouteIR } from "./pipeline/ir.js";

export interface GenerateOptions {
  /** How diagnostics and generated comments name the config. Default `krakend.json`. */
  file?: string;
  /** A folder whose `*.hbs` files replace the built-in templates of the same name. */
  templates?: string;
  /**
   * HTTP frameworks to generate an adapter for, as `adapters/<name>.ts`, besides the `node:http`
   * listener. Default none. An unknown name throws a TypeError (check against `ADAPTERS`).
   */
  adapters?: readonly Adapter[];
  /**
   * Write `asyncapi.json`, the AsyncAPI 3.0 contract of every message the service publishes.
   * Default true.
   */
  asyncapi?: boolean;
  /**
   * Write typed consumers (`consumers/<route>.ts`): decode, consume and, for request-reply
   * routes, serve each route's messages. Default false.
   */
  consumers?: boolean;
  /**
   * Called with each file as soon as it is rendered, before generate() returns (the result lists
   * them all again), so that a writer can work while the rest render. Only called once the config
   * is known to be valid; if a template then fails, the result has no files and an AG901 error:
   * discard what was received.
   */
  onFile?: (file: GeneratedFile) => void;
}

export interface GenerateResult {
  /** Sorted by path; empty when there is any error. */
  files: GeneratedFile[];
  /** Sorted by position. */
  diagnostics: Diagnostic[];
  /** Per-phase timings in milliseconds (for `--verbose`). */
  timings: Record<string, number>;
}

const templateCache = new Map<string, Templates>();

function templatesFor(dir: string | undefined): Templates {
  const key = dir ?? "";
  const cached = templateCache.get(key);
  if (cached) return cached;
  const templates = loadTemplates(dir);
  templateCache.set(key, templates);
  return templates;
}

/**
 * Generates the handlers for a krakend.json. Accepts its text (for exact line:column
 * positions) or an already parsed value, which is never mutated.
 */
export async function generate(config: string | object, options: GenerateOptions = {}): Promise<GenerateResult> {
  const file = options.file ?? "krakend.json";
  const adapters = options.adapters ?? [];
  const unknown = adapters.filter((a) => !(ADAPTERS as readonly string[]).includes(a));
  if (unknown.length > 0) throw new TypeError(`unknown adapter ${unknown.map((a) => JSON.stringify(a)).join(", ")}: expected ${ADAPTERS.join(", ")}`);
  const timings: Record<string, number> = {};
  let last = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    timings[phase] = Math.round((now - last) * 100) / 100;
    last = now;
  };
  const text = typeof config === "string" ? config : JSON.stringify(config, null, 2);
  const done = (diagnostics: Diagnostic[], files: GeneratedFile[] = []): GenerateResult => ({
    files: hasErrors(diagnostics) ? [] : files,
    // Messages quote the config: no control character of it reaches a terminal, log or editor.
    diagnostics: sortDiagnostics(diagnostics).map((d) => ({
      ...d,
      message: terminalSafe(d.message),
      ...(d.hint === undefined ? {} : { hint: terminalSafe(d.hint) }),
    })),
    timings,
  });

  const loaded = load(text, file);
  lap("load");
  if (hasErrors(loaded.diagnostics)) return done(loaded.diagnostics);
  const schemaDiagnostics = validate(loaded.value, file, loaded.source);
  lap("validate");
  const diagnostics = [...loaded.diagnostics, ...schemaDiagnostics];
  if (hasErrors(diagnostics)) return done(diagnostics);

  const { program, diagnostics: found } = analyse(loaded.value, file, loaded.source);
  diagnostics.push(...found);
  lap("analyse");
  if (hasErrors(diagnostics)) return done(diagnostics);

  const plans = plan(program);
  lap("plan");
  const bodies = await compileBodies(plans, file, loaded.source, diagnostics);
  lap("bodies");
  if (options.consumers === true) diagnostics.push(...sharedQueueDiagnostics(program, file, loaded.source));
  let asyncapi: string | null = null;
  if (options.asyncapi !== false) {
    asyncapi = contract(program, plans, bodies, file, loaded.source, diagnostics);
    lap("contract");
  }
  let files: GeneratedFile[];
  try {
    files = emit(program, plans, templatesFor(options.templates), bodies, {
      adapters,
      asyncapi,
      consumers: options.consumers === true,
      ...(options.onFile ? { onFile: options.onFile } : {}),
    });
  } catch (err) {
    // A custom template that fails to render is the user's input, not a bug: say which folder.
    // Anything else (a bug, or the caller's onFile failing) is thrown as it is.
    if (options.templates === undefined || !(err instanceof TemplateError)) throw err;
    const message = err.message.split("\n")[0] ?? "";
    diagnostics.push(diagnosticAt(Diagnostics.AG901({ folder: options.templates, problem: message }), options.templates, { line: 1, column: 1 }, ""));
    return done(diagnostics);
  }
  lap("emit");
  return done(diagnostics, files);
}

/** asyncapi.json's text; a body schema keyword it cannot carry is a warning (AG253). */
function contract(
  program: ProgramIR,
  plans: readonly RoutePlan[],
  bodies: ReadonlyMap<RoutePlan, BodyCode>,
  file: string,
  source: SourceMap,
  diagnostics: Diagnostic[],
): string {
  const { text, notCarried } = asyncapiDocument(program, plans, bodies);
  for (const { plan, pointer } of notCarried) {
    const at = (plan.route.bodySchema?.pointer ?? "") + pointer;
    const keyword = (pointer.split("/").pop() ?? "").replace(/~1/g, "/").replace(/~0/g, "~");
    diagnostics.push(diagnosticAt(Diagnostics.AG253({ keyword }), file, source.locate(at, "key"), at));
  }
  return text;
}

/** Body types (json-schema-to-typescript) and validators, only for endpoints that validate. */
async function compileBodies(plans: readonly RoutePlan[], file: string, source: SourceMap, diagnostics: Diagnostic[]): Promise<Map<RoutePlan, BodyCode>> {
  const out = new Map<RoutePlan, BodyCode>();
  const wanted = plans.filter((p) => p.route.bodySchema);
  if (wanted.length === 0) return out;
  const { bodyCode } = await import("./pipeline/body.js");
  for (const p of wanted) {
    const schema = p.route.bodySchema;
    if (!schema) continue;
    const code = await bodyCode(schema.schema, p.typeName);
    if ("broken" in code) {
      const pointer = schema.pointer + code.broken.pointer;
      diagnostics.push(diagnosticAt(Diagnostics.AG225({ problem: code.broken.message }), file, source.locate(pointer), pointer));
      continue;
    }
    for (const keyword of code.unsupported) {
      const pointer = schema.pointer + keyword;
      diagnostics.push(diagnosticAt(Diagnostics.AG222({ keyword }), file, source.locate(pointer, "key"), pointer));
    }
    out.set(p, code);
  }
  return out;
}
