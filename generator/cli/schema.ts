/**
 * `amqp-gen schema`: one self-contained schema document for krakend.json, with the producer
 * namespace's schema embedded under `definitions`, so it can be saved anywhere and used offline.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function bundledSchema(dir: string): Json {
  const root = JSON.parse(readFileSync(join(dir, "krakend.schema.json"), "utf8")) as { [key: string]: Json };
  const producer = JSON.parse(readFileSync(join(dir, "amqp-producer.schema.json"), "utf8")) as { [key: string]: Json };
  const producerId = producer["$id"];
  const rootId = root["$id"];
  const local = "#/definitions/amqpProducer";
  // The producer schema's references back to the root's definitions become local ones.
  const toRoot = (ref: Json): string | null => {
    if (typeof ref !== "string") return null;
    for (const prefix of ["krakend.schema.json#", `${String(rootId)}#`]) if (ref.startsWith(prefix)) return `#${ref.slice(prefix.length)}`;
    return null;
  };
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== "object") return node;
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(node)) {
      const toProducer = key === "$ref" && (value === producerId || value === "amqp-producer.schema.json");
      out[key] = toProducer ? local : key === "$ref" ? (toRoot(value) ?? rewrite(value)) : rewrite(value);
    }
    return out;
  };
  const { $id: _id, $schema: _schema, ...embedded } = producer;
  const bundled = rewrite(root) as { [key: string]: Json };
  const definitions = (bundled["definitions"] ?? {}) as { [key: string]: Json };
  bundled["definitions"] = { ...definitions, amqpProducer: rewrite(embedded) };
  return bundled;
}
