/**
 * The handlebars templates of `templates/`, ready to render.
 *
 * The built-in templates are precompiled ahead of time (`templates.precompiled.js`, written by
 * `npm run gen:templates`), so a run loads only handlebars' small runtime and compiles nothing.
 * The precompiled file carries a fingerprint of the sources it came from: when a template was
 * edited since (a contributor who has not regenerated yet), the sources are compiled instead, so
 * an edit is never silently ignored. `--templates` overrides are always compiled, with the full
 * handlebars compiler, loaded only then.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type HandlebarsNamespace from "handlebars";
import { TEMPLATE_DIR } from "../paths.js";
import * as builtIn from "../generated/templates.precompiled.js";
import type { AdapterView, BodyView, ConsumerView, IndexView, RouteView } from "./views.js";

type Handlebars = typeof HandlebarsNamespace;
/** A template, ready to render its view. */
type Render<View> = (view: View) => string;
/** What handlebars makes of a template: it takes any view. */
type AnyRender = Render<object>;

/**
 * Libraries an adapter can be generated for (`adapters/<name>.ts`): HTTP frameworks besides
 * `node:http`, and telemetry (metrics, traces) that the standalone runtime leaves to them.
 */
export const ADAPTERS = ["express", "fastify", "hono", "opentelemetry", "prometheus"] as const;
export type Adapter = (typeof ADAPTERS)[number];

export interface Templates {
  route: Render<RouteView>;
  index: Render<IndexView>;
  body: Render<BodyView>;
  consumer: Render<ConsumerView>;
  adapters: Record<Adapter, Render<AdapterView>>;
  /** Whether the built-in precompiled templates were used, or sources were compiled at load. */
  origin: "precompiled" | "compiled";
}

const TEMPLATE_FILES = {
  route: "route.ts.hbs",
  index: "index.ts.hbs",
  body: "body.ts.hbs",
  consumer: "consumer.ts.hbs",
  express: "adapter-express.ts.hbs",
  fastify: "adapter-fastify.ts.hbs",
  hono: "adapter-hono.ts.hbs",
  opentelemetry: "adapter-opentelemetry.ts.hbs",
  prometheus: "adapter-prometheus.ts.hbs",
} as const;

/** Options every template is compiled with: output is TypeScript (no HTML escaping), variables are strict. */
export const COMPILE_OPTIONS = { noEscape: true, strict: true, knownHelpersOnly: true } as const;

/** Every `*.hbs` file of a folder, name → text, sorted by name. */
export function readTemplateSources(dir: string = TEMPLATE_DIR): Map<string, string> {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".hbs"))
    .sort();
  return new Map(names.map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

/** Identifies a set of template sources: a precompiled set is used only for the sources it came from. */
export function templateFingerprint(sources: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const [name, text] of [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${name}\0${text.length}\0${text}\0`);
  }
  return hash.digest("hex");
}

const isPartial = (name: string) => !(Object.values(TEMPLATE_FILES) as string[]).includes(name);
const partialName = (file: string) => file.replace(/\.hbs$/, "");

const require = createRequire(import.meta.url);

export interface Precompiled {
  fingerprint: string;
  specs: Readonly<Record<string, unknown>>;
}

/**
 * The precompiled templates, ready to render; null when this handlebars runtime refuses them (a
 * compiler revision it does not know), so that the sources are compiled instead.
 */
function fromPrecompiled(precompiled: Precompiled, sources: ReadonlyMap<string, string>): ((file: string) => AnyRender) | null {
  try {
    const hb = (require("handlebars/runtime") as Handlebars).create();
    const spec = (file: string) => precompiled.specs[file] as Parameters<Handlebars["template"]>[0];
    for (const file of sources.keys()) if (isPartial(file)) hb.registerPartial(partialName(file), hb.template(spec(file)));
    const made = new Map<string, AnyRender>(Object.values(TEMPLATE_FILES).map((file) => [file, hb.template(spec(file))]));
    return (file) => made.get(file) ?? hb.template(spec(file));
  } catch {
    return null;
  }
}

/** The templates compiled from their sources, each from `overrides` when that folder has it. */
function fromSources(sources: ReadonlyMap<string, string>, overrides: string | undefined): (file: string) => AnyRender {
  const hb = (require("handlebars") as Handlebars).create();
  const pick = (file: string): string => {
    if (overrides !== undefined) {
      try {
        return readFileSync(join(overrides, file), "utf8");
      } catch {
        /* not overridden */
      }
    }
    return sources.get(file) ?? readFileSync(join(TEMPLATE_DIR, file), "utf8");
  };
  for (const file of sources.keys()) if (isPartial(file)) hb.registerPartial(partialName(file), pick(file));
  return (file) => hb.compile(pick(file), COMPILE_OPTIONS);
}

/** A template failed to render (the message names it): with `--templates`, the user's input. */
export class TemplateError extends Error {}

/**
 * Loads the templates: each from `overrides` when that folder has a file of the same name
 * (`--templates`), else the built-in one. `precompiled` is for tests (default: the built-in set).
 */
export function loadTemplates(overrides?: string, precompiled: Precompiled = builtIn): Templates {
  const sources = readTemplateSources();
  const ready = overrides === undefined && templateFingerprint(sources) === precompiled.fingerprint ? fromPrecompiled(precompiled, sources) : null;
  const template = ready ?? fromSources(sources, overrides);
  const named = (file: string): AnyRender => {
    const render = template(file);
    return (view) => {
      try {
        return render(view);
      } catch (err) {
        // Name the template: with --templates, the error is in the user's file.
        throw new TemplateError(`${file}: ${err instanceof Error ? err.message.replace(/ in \[object Object\]/, "") : String(err)}`);
      }
    };
  };
  return {
    route: named(TEMPLATE_FILES.route),
    index: named(TEMPLATE_FILES.index),
    body: named(TEMPLATE_FILES.body),
    consumer: named(TEMPLATE_FILES.consumer),
    adapters: {
      express: named(TEMPLATE_FILES.express),
      fastify: named(TEMPLATE_FILES.fastify),
      hono: named(TEMPLATE_FILES.hono),
      opentelemetry: named(TEMPLATE_FILES.opentelemetry),
      prometheus: named(TEMPLATE_FILES.prometheus),
    },
    origin: ready ? "precompiled" : "compiled",
  };
}
