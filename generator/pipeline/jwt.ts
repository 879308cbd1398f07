/**
 * An endpoint's `auth/validator` (KrakenD's JWT validation): the rules that check it, run by the
 * analyser for each producer endpoint that has one, and the settings the generated route checks
 * tokens with (templates/runtime/jwt.ts). What KrakenD fails on at start, or ignores silently,
 * is caught here; what it does unsafely (a cookie read without being asked for, certificates
 * unchecked) is not copied.
 */
import { Diagnostics } from "../diagnostics/catalogue.js";
import { joinPointer } from "../diagnostics/diagnostics.js";
import type { JwtSettings } from "../../templates/runtime/types.js";
import type { JwtValidator } from "../generated/producer-config.js";
import { fieldsNotRead, type Rule } from "./rules.js";
import { canonicalHeader, closest, parseGoDuration } from "./text.js";
import { spellingsOf } from "./namespaces.js";

export const JWT_NAMESPACES = spellingsOf("auth/validator");

/** The block as the schema let it through (types checked there). */
export type JwtBlock = JwtValidator;

export interface JwtContext {
  /** Pointer to the block. */
  readonly pointer: string;
  readonly block: JwtBlock;
  /** What the endpoint forwards (canonical names), or `*`. */
  readonly forwarded: "*" | readonly string[];
}

/** The algorithms KrakenD accepts that are verified with a public key. */
const PUBLIC_KEY_ALGS = ["EdDSA", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"];
const HMAC_ALGS = ["HS256", "HS384", "HS512"];
/** KrakenD's key handling that the generated service does not do: refused, not ignored. */
const NOT_CARRIED_OUT = ["jwk_fingerprints", "jwk_local_ca", "cipher_suites", "secret_url", "cypher_key"];
/** Fields read here, besides those. */
const CARRIED_OUT = [
  "alg",
  "jwk_url",
  "jwk_local_path",
  "audience",
  "issuer",
  "roles",
  "roles_key",
  "roles_key_is_nested",
  "scopes",
  "scopes_key",
  "scopes_matcher",
  "cookie_key",
  "auth_header_name",
  "cache",
  "cache_duration",
  "failed_jwk_key_cooldown",
  "leeway",
  "disable_jwk_security",
  "propagate_claims",
  "propagate_claims_preserve_array",
  "key_identify_strategy",
];
const NO_EFFECT = ["operation_debug"];
const DURATIONS = ["leeway", "failed_jwk_key_cooldown"] as const;

/** Keys are cached this long unless the config says `"cache": true` (KrakenD, without it, fetches them on every request). */
const UNCACHED_KEYS_SECONDS = 60;
/** KrakenD's default `cache_duration`. */
const DEFAULT_CACHE_SECONDS = 900;
/** The least time between two fetches of a key set for an unknown key, or after a failed fetch. */
const DEFAULT_COOLDOWN_SECONDS = 30;

const at = (ctx: JwtContext, field: string) => joinPointer(ctx.pointer, field);

/** A Go duration in whole seconds, at least 1; undefined when it is not one. */
function seconds(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  const ms = parseGoDuration(text);
  return ms === undefined || ms < 1000 ? undefined : Math.ceil(ms / 1000);
}

export const JWT_RULES: readonly Rule<JwtContext>[] = [
  {
    name: "one public-key algorithm",
    codes: ["AG240"],
    check(ctx, report) {
      const { alg } = ctx.block;
      if (alg === undefined || alg === "") report(ctx.pointer, Diagnostics.AG240({ field: "alg", problem: "no-alg" }), "key");
      else if (HMAC_ALGS.includes(alg)) report(at(ctx, "alg"), Diagnostics.AG240({ field: "alg", problem: "symmetric-alg", value: alg }));
      else if (!PUBLIC_KEY_ALGS.includes(alg)) report(at(ctx, "alg"), Diagnostics.AG240({ field: "alg", problem: "unknown-alg", value: alg }));
    },
  },
  {
    name: "keys from an https:// key set or a local file",
    codes: ["AG240", "AG242"],
    check(ctx, report) {
      const { jwk_url: url, jwk_local_path: file, disable_jwk_security: insecure } = ctx.block;
      if (file !== undefined && file !== "") return;
      if (url === undefined || url === "") {
        report(ctx.pointer, Diagnostics.AG240({ field: "jwk_url", problem: "no-keys" }), "key");
        return;
      }
      let protocol: string;
      try {
        protocol = new URL(url).protocol;
      } catch {
        protocol = "";
      }
      if (protocol !== "https:" && protocol !== "http:") report(at(ctx, "jwk_url"), Diagnostics.AG240({ field: "jwk_url", problem: "not-a-url", value: url }));
      else if (protocol === "http:" && insecure !== true)
        report(at(ctx, "jwk_url"), Diagnostics.AG240({ field: "jwk_url", problem: "plain-http", value: url }));
      else if (protocol === "https:" && insecure === true)
        report(at(ctx, "disable_jwk_security"), Diagnostics.AG242({ field: "disable_jwk_security", problem: "tls-checked", suggestion: undefined }), "key");
    },
  },
  {
    name: "no key handling the generated service does not carry out",
    codes: ["AG240"],
    check(ctx, report) {
      for (const field of NOT_CARRIED_OUT)
        if (ctx.block[field] !== undefined) report(at(ctx, field), Diagnostics.AG240({ field, problem: "not-carried-out" }), "key");
      const strategy = ctx.block.key_identify_strategy;
      if (strategy !== undefined && strategy !== "kid")
        report(at(ctx, "key_identify_strategy"), Diagnostics.AG240({ field: "key_identify_strategy", problem: "key-strategy", value: strategy }));
    },
  },
  {
    name: "scopes are checked as written",
    codes: ["AG240"],
    check(ctx, report) {
      // (An unknown "scopes_matcher", which KrakenD reads as "any", is the schema's error.)
      const { scopes, scopes_key: key } = ctx.block;
      if (scopes !== undefined && scopes.length > 0 && (key === undefined || key === ""))
        report(at(ctx, "scopes"), Diagnostics.AG240({ field: "scopes", problem: "scopes-without-key" }), "key");
    },
  },
  {
    name: "durations of at least 1s",
    codes: ["AG240"],
    check(ctx, report) {
      for (const field of DURATIONS) {
        const text = ctx.block[field];
        if (text !== undefined && seconds(text, 1) === undefined) report(at(ctx, field), Diagnostics.AG240({ field, problem: "duration", value: text }));
      }
    },
  },
  {
    name: "propagated claims are [claim, header] pairs the endpoint forwards",
    codes: ["AG240", "AG241"],
    check(ctx, report) {
      (ctx.block.propagate_claims ?? []).forEach((pair, index) => {
        const [claim, header] = pair;
        if (pair.length !== 2 || claim === undefined || header === undefined || claim === "" || header === "") {
          report(
            joinPointer(ctx.pointer, "propagate_claims", index),
            Diagnostics.AG240({ field: "propagate_claims", problem: "claim-pair", value: String(index) }),
          );
          return;
        }
        if (ctx.forwarded !== "*" && !ctx.forwarded.includes(canonicalHeader(header)))
          report(joinPointer(ctx.pointer, "propagate_claims", index, 1), Diagnostics.AG241({ header, claim }));
      });
    },
  },
  {
    name: "every field is carried out",
    codes: ["AG242"],
    check(ctx, report) {
      const known = [...CARRIED_OUT, ...NOT_CARRIED_OUT, ...NO_EFFECT];
      for (const field of fieldsNotRead(ctx.block, [...CARRIED_OUT, ...NOT_CARRIED_OUT])) {
        const problem = NO_EFFECT.includes(field) ? "no-effect" : "unknown";
        report(at(ctx, field), Diagnostics.AG242({ field, problem, suggestion: problem === "unknown" ? closest(field, known) : undefined }), "key");
      }
    },
  },
];

/** A claim path: dotted names are nested, except Auth0-style namespaced claims (`https://…`), which are flat. */
function claimPath(name: string, nested: boolean): readonly string[] {
  return nested && !name.startsWith("http") ? name.split(".") : [name];
}

/** The settings the route checks tokens with, once the rules passed. */
export function jwtSettings(block: JwtBlock): JwtSettings {
  const file = block.jwk_local_path;
  const rolesKey = block.roles_key ?? "roles";
  const scopesKey = block.scopes_key ?? "";
  return {
    alg: block.alg ?? "",
    // KrakenD prefers the local file when both are set.
    keys:
      file !== undefined && file !== ""
        ? { file }
        : {
            url: block.jwk_url ?? "",
            cacheSeconds: block.cache === true ? (block.cache_duration ?? DEFAULT_CACHE_SECONDS) : UNCACHED_KEYS_SECONDS,
            cooldownSeconds: seconds(block.failed_jwk_key_cooldown, DEFAULT_COOLDOWN_SECONDS) ?? DEFAULT_COOLDOWN_SECONDS,
          },
    audience: block.audience ?? [],
    issuer: block.issuer ?? null,
    leewaySeconds: seconds(block.leeway, 1) ?? 1,
    header: (block.auth_header_name ?? "Authorization").toLowerCase(),
    cookie: block.cookie_key ?? null,
    roles: block.roles && block.roles.length > 0 ? { path: claimPath(rolesKey, block.roles_key_is_nested === true), anyOf: block.roles } : null,
    // A dotted scopes_key is always nested in KrakenD.
    scopes:
      block.scopes && block.scopes.length > 0 && scopesKey !== ""
        ? { path: claimPath(scopesKey, true), required: block.scopes, all: block.scopes_matcher === "all" }
        : null,
    propagate: (block.propagate_claims ?? []).map((pair) => [claimPath(pair[0] ?? "", true), canonicalHeader(pair[1] ?? "")] as const),
    preserveArrays: block.propagate_claims_preserve_array === true,
  };
}
