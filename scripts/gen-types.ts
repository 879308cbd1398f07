// Generates generator/generated/producer-config.ts from the JSON Schemas in schema/.
// `npm run gen:types` writes the file; test/schema.test.ts checks it has not drifted.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The schemas, by file name, in the order their types are wanted. The first is the entry point. */
const SCHEMA_FILES = ["krakend.schema.json", "amqp-producer.schema.json"] as const;

/** Where the generated types are committed. */
export const TYPES_FILE = resolve(root, "generator/generated/producer-config.ts");

const BANNER = ["// Code generated from schema/krakend.schema.json and schema/amqp-producer.schema.json", "// by `npm run gen:types`. DO NOT EDIT."].join("\n");

interface SchemaFile {
  text: string;
  id: string;
}

function loadSchema(file: string): SchemaFile {
  const text = readFileSync(resolve(root, "schema", file), "utf8");
  const parsed: unknown = JSON.parse(text);
  const id = (parsed as { $id?: unknown }).$id;
  if (typeof id !== "string") throw new Error(`schema/${file} has no $id`);
  return { text, id };
}

/** The content of generator/generated/producer-config.ts, as generated from the schemas now. */
export async function renderTypes(): Promise<string> {
  const [entry, ...referenced] = SCHEMA_FILES.map(loadSchema);
  if (!entry) throw new Error("no schema to compile");
  // `$ref`s name schemas by their `$id` URL; serve those from schema/ and never touch the network.
  // A relative `$ref` ("amqp-producer.schema.json", so that editors read the sibling file) is
  // resolved against the referring schema's location: serve it by file name too.
  // The entry point is served too: the producer schema refers back to its shared definitions.
  const byId = new Map([entry, ...referenced].flatMap((s) => [[s.id, s.text] as const, [s.id.split("/").pop() ?? s.id, s.text] as const]));
  const lookup = (url: string) => byId.get(url) ?? byId.get(url.split("/").pop() ?? url);
  return compile(JSON.parse(entry.text), "KrakendConfig", {
    bannerComment: BANNER,
    format: true,
    strictIndexSignatures: true,
    unknownAny: true,
    additionalProperties: true,
    cwd: resolve(root, "schema"),
    $refOptions: {
      resolve: {
        file: false,
        http: false,
        schemaIds: {
          order: 1,
          canRead: (file: { url: string }) => lookup(file.url) !== undefined,
          read: (file: { url: string }) => {
            const text = lookup(file.url);
            if (text === undefined) throw new Error(`unknown schema ${file.url}`);
            return text;
          },
        },
      },
    },
  });
}

async function main(): Promise<void> {
  const content = await renderTypes();
  let current: string | undefined;
  try {
    current = readFileSync(TYPES_FILE, "utf8");
  } catch {
    current = undefined;
  }
  const shown = TYPES_FILE.slice(root.length);
  if (current === content) {
    console.log(`${shown} is up to date`);
    return;
  }
  mkdirSync(dirname(TYPES_FILE), { recursive: true });
  writeFileSync(TYPES_FILE, content);
  console.log(`wrote ${shown}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
