/**
 * `--verify`: type-check the generated files in memory, strictly, before anything is written,
 * so that a broken custom template never reaches the disk. ts-morph is imported here only:
 * loading it costs ~0.7 s, which plain runs do not pay.
 */
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type { GeneratedFile } from "../pipeline/emit.js";

export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

function amqplibDir(): string {
  // amqplib's "exports" hides package.json: resolve its entry point, which sits at the package root.
  return dirname(createRequire(import.meta.url).resolve("amqplib"));
}

export async function verifyTypes(outDir: string, files: readonly GeneratedFile[]): Promise<TypeProblem[]> {
  const { Project, ts } = await import("ts-morph");
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      // Node's globals come from @types/node: no DOM library, which is most of the parse and would
      // let a template that uses `document` or `window` pass.
      lib: ["lib.es2022.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
      // The generated runtime imports amqplib; where the output folder cannot resolve it (a
      // project that has not installed it yet), use the copy amqp-gen depends on.
      paths: { amqplib: [amqplibDir()] },
    },
  });
  const paths = new Map<string, string>();
  for (const f of files) {
    if (!f.path.endsWith(".ts")) continue;
    const full = resolve(outDir, f.path);
    paths.set(full, f.path);
    project.createSourceFile(full, f.content, { overwrite: true });
  }
  const problems: TypeProblem[] = [];
  for (const d of project.getPreEmitDiagnostics()) {
    const source = d.getSourceFile();
    const full = source?.getFilePath();
    const rel = full ? (paths.get(full) ?? full) : "(program)";
    const start = d.getStart();
    const pos = source && start !== undefined ? source.getLineAndColumnAtPos(start) : { line: 1, column: 1 };
    const text = d.getMessageText();
    problems.push({ file: rel, line: pos.line, column: pos.column, message: typeof text === "string" ? text : text.getMessageText() });
  }
  return problems;
}
