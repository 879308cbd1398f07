/**
 * The service's `security/cors`: the rules that check it, run once by the analyser, and the
 * settings the generated service answers preflights and adds CORS headers with
 * (templates/runtime/cors.ts). Defaults are KrakenD's (rs/cors): GET, POST and HEAD; 204 for a
 * preflight.
 */
import { Diagnostics } from "../diagnostics/catalogue.js";
import { joinPointer } from "../diagnostics/diagnostics.js";
import type { CorsSettings } from "../../templates/runtime/types.js";
import type { Cors } from "../generated/producer-config.js";
import { fieldsNotRead, type Rule } from "./rules.js";
import { closest, parseGoDuration } from "./text.js";
import { spellingsOf } from "./namespaces.js";

export const CORS_NAMESPACES = spellingsOf("security/cors");

export type CorsBlock = Cors;

export interface CorsContext {
  readonly pointer: string;
  readonly block: CorsBlock;
}

const CARRIED_OUT = [
  "allow_origins",
  "allow_methods",
  "allow_headers",
  "expose_headers",
  "allow_credentials",
  "allow_private_network",
  "max_age",
  "options_passthrough",
  "options_success_status",
];
const NO_EFFECT = ["debug"];
const DEFAULT_METHODS = ["GET", "POST", "HEAD"];

const anyOrigin = (block: CorsBlock) => (block.allow_origins ?? []).length === 0 || (block.allow_origins ?? []).includes("*");

export const CORS_RULES: readonly Rule<CorsContext>[] = [
  {
    name: "credentials are not allowed for any origin",
    codes: ["AG249"],
    check(ctx, report) {
      if (ctx.block.allow_credentials === true && anyOrigin(ctx.block))
        report(joinPointer(ctx.pointer, "allow_credentials"), Diagnostics.AG249({ problem: "credentials-any-origin", value: "" }), "key");
    },
  },
  {
    name: "an origin has at most one wildcard; max_age is a duration",
    codes: ["AG249"],
    check(ctx, report) {
      (ctx.block.allow_origins ?? []).forEach((origin, index) => {
        if (origin !== "*" && origin.split("*").length > 2)
          report(joinPointer(ctx.pointer, "allow_origins", index), Diagnostics.AG249({ problem: "wildcards", value: origin }));
      });
      const maxAge = ctx.block.max_age;
      if (maxAge !== undefined && parseGoDuration(maxAge) === undefined)
        report(joinPointer(ctx.pointer, "max_age"), Diagnostics.AG249({ problem: "max-age", value: maxAge }));
    },
  },
  {
    name: "every field is carried out",
    codes: ["AG250"],
    check(ctx, report) {
      for (const field of fieldsNotRead(ctx.block, CARRIED_OUT)) {
        const problem = NO_EFFECT.includes(field) ? "no-effect" : "unknown";
        report(
          joinPointer(ctx.pointer, field),
          Diagnostics.AG250({ field, problem, suggestion: problem === "unknown" ? closest(field, CARRIED_OUT) : undefined }),
          "key",
        );
      }
    },
  },
];

/** The settings the service applies, once the rules passed. */
export function corsSettings(block: CorsBlock): CorsSettings {
  return {
    allowOrigins: block.allow_origins ?? [],
    allowMethods: block.allow_methods ?? DEFAULT_METHODS,
    allowHeaders: block.allow_headers ?? [],
    exposeHeaders: block.expose_headers ?? [],
    allowCredentials: block.allow_credentials === true,
    allowPrivateNetwork: block.allow_private_network === true,
    maxAgeSeconds: Math.floor((parseGoDuration(block.max_age ?? "0s") ?? 0) / 1000),
    optionsSuccessStatus: block.options_success_status ?? 204,
    optionsPassthrough: block.options_passthrough === true,
  };
}
