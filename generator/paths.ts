/** Where the package's own files are, whether running from `generator/` (tsx) or `dist/generator/`. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "templates"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("amqp-gen: cannot find its package folder (templates/ is missing)");
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const SCHEMA_DIR = join(PACKAGE_ROOT, "schema");
export const TEMPLATE_DIR = join(PACKAGE_ROOT, "templates");
