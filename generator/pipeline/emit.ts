/**
 * Phase 5: emit. The plan in, file contents out: each template rendered with its view
 * (views.ts), the runtime's files copied, the runtime imports of route files filled in.
 */
import { ASYNCAPI_FILE } from "./asyncapi.js";
import { ADAPTERS, TemplateError, type Adapter, type Templates } from "./templates.js";
import type { ProgramIR } from "./ir.js";
import type { RoutePlan } from "./plan.js";
import { GENERATED_HEADER, runtimeFiles, runtimeImportLines } from "./runtime-source.js";
import { adapterView, bodyView, consumerView, indexView, RUNTIME_IMPORTS_SLOT, type RouteView, routeView } from "./views.js";

export interface GeneratedFile {
  /** Relative to the output folder, with `/` separators. */
  path: string;
  content: string;
}

const GITATTRIBUTES = [
  GENERATED_HEADER.replace(/^\/\//, "#"),
  "# Marks this folder as generated, so that code review folds it; regenerate, do not edit.",
  "* linguist-generated=true",
  "",
].join("\n");

export interface BodyCode {
  types: string;
  validator: string;
  unsupported: string[];
}

export interface EmitOptions {
  readonly adapters?: readonly Adapter[];
  /** asyncapi.json's text, made by the contract phase; null: none. */
  readonly asyncapi?: string | null;
  /** Whether to write the typed consumers (`consumers/`). */
  readonly consumers?: boolean;
  readonly onFile?: (file: GeneratedFile) => void;
}

export function emit(
  program: ProgramIR,
  plans: readonly RoutePlan[],
  templates: Templates,
  bodies: ReadonlyMap<RoutePlan, BodyCode>,
  options: EmitOptions = {},
): GeneratedFile[] {
  const { adapters = [], asyncapi = null, consumers = false, onFile } = options;
  const files: GeneratedFile[] = [];
  const add = (file: GeneratedFile) => {
    files.push(file);
    onFile?.(file);
  };
  // The regex passes run only when needed: a template checked out with CRLF, or runs of blank
  // lines where a section was left out.
  const normalised = (text: string) => {
    if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
    if (text.includes("\n\n\n")) text = text.replace(/\n{3,}/g, "\n\n");
    return text.trimEnd() + "\n";
  };
  /** A rendered file whose runtime imports slot is filled in from what the rest of it uses. */
  const withImports = (path: string, text: string) => {
    const slot = text.indexOf(RUNTIME_IMPORTS_SLOT);
    if (slot === -1) return { path, content: normalised(text) };
    // A custom route template (--templates) that writes the slot twice: AG901, not NULs in the file.
    if (text.includes(RUNTIME_IMPORTS_SLOT, slot + 1)) throw new TemplateError("route.ts.hbs: {{runtimeImports}} may appear only once");
    const code = text.slice(0, slot) + text.slice(slot + RUNTIME_IMPORTS_SLOT.length);
    const lines = runtimeImportLines(code, path.split("/").length - 1);
    return { path, content: normalised(text.slice(0, slot) + lines + text.slice(slot + RUNTIME_IMPORTS_SLOT.length)) };
  };
  const routeViews = new Map<RoutePlan, RouteView>();
  for (const p of plans) {
    const body = bodies.get(p);
    const bodyModule = p.bodyFile && body ? p.bodyFile.replace(/^routes\//, "").replace(/\.ts$/, ".js") : null;
    const view = routeView(program, p, bodyModule);
    routeViews.set(p, view);
    add(withImports(p.file, templates.route(view)));
    if (p.bodyFile && body) {
      add({ path: p.bodyFile, content: normalised(templates.body(bodyView(program, p, body))) });
    }
  }
  add({ path: "index.ts", content: normalised(templates.index(indexView(program, plans))) });
  if (consumers) {
    // Beside the routes they read their types and validators from: `consumers/<route>.ts`.
    for (const p of plans) {
      add(withImports(p.file.replace(/^routes\//, "consumers/"), templates.consumer(consumerView(program, p, routeViews.get(p) as RouteView))));
    }
  }
  if (adapters.length > 0) {
    // Adapters route through index.ts's dispatch tree: they only need to say what they serve.
    const view = adapterView(program, plans);
    for (const adapter of ADAPTERS.filter((a) => adapters.includes(a))) {
      add({ path: `adapters/${adapter}.ts`, content: normalised(templates.adapters[adapter](view)) });
    }
  }
  if (asyncapi !== null) add({ path: ASYNCAPI_FILE, content: asyncapi });
  // After the files that import it: an optional runtime module goes only where something uses it.
  for (const file of runtimeFiles(files)) add(file);
  // Review tools (GitHub's linguist, and others reading .gitattributes) fold generated files.
  add({ path: ".gitattributes", content: GITATTRIBUTES });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
