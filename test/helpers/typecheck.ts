/**
 * The one strict TypeScript program every test type-checks generated code with: the settings a
 * demanding user's service may have (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes,
 * no unused locals, no implicit returns), NodeNext modules. ts-morph is loaded only here.
 */
import type { Project } from "ts-morph";

export async function strictProject(options: { skipFileDependencyResolution?: boolean } = {}): Promise<Project> {
  const { Project, ts } = await import("ts-morph");
  return new Project({
    skipAddingFilesFromTsConfig: true,
    ...options,
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noUnusedLocals: true,
      noImplicitReturns: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ["node"],
      noEmit: true,
      skipLibCheck: true,
    },
  });
}
