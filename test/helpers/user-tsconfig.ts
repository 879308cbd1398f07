/**
 * The strict flags of the README's "Your service's tsconfig", every one of which the generated
 * code passes (erasable syntax only: no enums, namespaces or constructor parameter properties).
 * One list for the tests that compile generated code in a user's project.
 */
export const STRICT_FLAGS = [
  "strict",
  "noUncheckedIndexedAccess",
  "exactOptionalPropertyTypes",
  "noImplicitOverride",
  "verbatimModuleSyntax",
  "isolatedModules",
  "noUnusedLocals",
  "noUnusedParameters",
  "noImplicitReturns",
  "noFallthroughCasesInSwitch",
  "noPropertyAccessFromIndexSignature",
  "noUncheckedSideEffectImports",
  "erasableSyntaxOnly",
] as const;

/** STRICT_FLAGS as compilerOptions, each on. */
export const STRICT_OPTIONS = Object.fromEntries(STRICT_FLAGS.map((flag) => [flag, true])) as Record<(typeof STRICT_FLAGS)[number], true>;
