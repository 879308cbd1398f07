/**
 * JWT validation (KrakenD's `auth/validator`), for the routes whose endpoint has one: the token
 * is checked before anything else about the request. Signatures, algorithms, key sets and time
 * claims are `jose`'s (never hand-written cryptography); this module reads the token where
 * KrakenD reads it, asks `jose` to verify it against exactly the configured algorithm, and adds
 * what KrakenD checks beyond that: every listed audience, roles, scopes, a token issued in the
 * future, and the claims propagated as message headers.
 *
 * Emitted only for a config with an `auth/validator`: it is the one runtime module that needs a
 * package besides amqplib (`npm install jose`).
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { errorText, redactUrl, stderrLogger } from "./log.js";
import type { AuthOutcome, JwtSettings } from "./types.js";

/** A verified token is remembered at most this long (or until it expires): a key taken out of the set stops working within it. */
const VERIFIED_TTL_MS = 60_000;
/** Verified tokens remembered at once; the oldest is forgotten first. */
const VERIFIED_MAX = 10_000;
/** How long a JWKS fetch may take before the request is answered 401. */
const FETCH_TIMEOUT_MS = 5_000;

const unauthorized = (message: string, tokenGiven: boolean): AuthOutcome => ({
  ok: false,
  status: 401,
  message,
  // RFC 6750: the scheme, and why when a token was given (never the token itself).
  headers: { "WWW-Authenticate": tokenGiven ? 'Bearer error="invalid_token"' : "Bearer" },
});
const forbidden = (message: string): AuthOutcome => ({
  ok: false,
  status: 403,
  message,
  headers: { "WWW-Authenticate": 'Bearer error="insufficient_scope"' },
});

/** The token of a request: from the header (a `Bearer ` prefix taken off), else the cookie; null when there is none. */
function tokenOf(request: IncomingMessage, settings: Pick<JwtSettings, "header" | "cookie">): string | null {
  const value = request.headers[settings.header];
  const raw = Array.isArray(value) ? value[0] : value;
  // A header that is there decides, even when it is malformed: no falling back to the cookie.
  if (raw !== undefined) return raw.replace(/^bearer\s+/i, "").trim();
  if (settings.cookie === null) return null;
  const cookies = request.headers.cookie;
  if (cookies === undefined) return null;
  for (const pair of cookies.split(";")) {
    const eq = pair.indexOf("=");
    if (eq !== -1 && pair.slice(0, eq).trim() === settings.cookie) return pair.slice(eq + 1).trim();
  }
  return null;
}

/** The value at a claim path (`["realm_access", "roles"]`), or undefined. */
function claimAt(payload: JWTPayload, path: readonly string[]): unknown {
  let value: unknown = payload;
  for (const part of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A roles or scopes claim as a list: an array of strings, or one space-separated string. */
function listClaim(value: unknown): readonly string[] {
  if (typeof value === "string") return value.split(" ").filter((v) => v !== "");
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** A claim as KrakenD writes it into a header: strings as they are, integers without decimals, others with six, objects as JSON. */
export function renderClaim(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(6);
  if (typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return value.map(renderClaim).join(",");
  return JSON.stringify(value);
}

/** Key sets by where they come from: endpoints with the same key set share it, and its fetches. */
const keySets = new Map<string, JWTVerifyGetKey>();

/** The keys to verify with, shared by every endpoint that names the same source. */
function sharedKeySource(keys: JwtSettings["keys"]): JWTVerifyGetKey {
  const id = JSON.stringify(keys);
  let source = keySets.get(id);
  if (!source) {
    source = keySource(keys);
    keySets.set(id, source);
  }
  return source;
}

/** The keys to verify with: a remote set that stops asking a server that failed, or a local one. */
function keySource(keys: JwtSettings["keys"]): JWTVerifyGetKey {
  if ("file" in keys) return createLocalJWKSet(JSON.parse(readFileSync(keys.file, "utf8")) as JSONWebKeySet);
  const cooldownMs = keys.cooldownSeconds * 1000;
  // jose waits out its cooldown only after a fetch that worked: after one that failed (the server
  // down, an error status, a timeout), each request would fetch again, for a fresh set's unknown
  // key as for a stale set. Every fetch goes through this gate instead: none within a cooldown of
  // a failed one, and the requests that need keys are answered 401 meanwhile.
  let failedAt = Number.NEGATIVE_INFINITY;
  const failed = (reason: string) => {
    failedAt = Date.now();
    // Once per cooldown at most. Never the token.
    stderrLogger.warn(
      `cannot fetch the JWT key set from ${redactUrl(keys.url)}: ${reason}; tokens that need it are answered 401 for ${keys.cooldownSeconds} s`,
    );
  };
  const gatedFetch: FetchImplementation = async (url, options) => {
    if (Date.now() - failedAt < cooldownMs) throw new Error("the key set failed to load less than a cooldown ago");
    try {
      const response = await fetch(url, options);
      if (response.status !== 200) failed(`HTTP ${response.status}`);
      return response;
    } catch (err) {
      failed(errorText(err));
      throw err;
    }
  };
  return createRemoteJWKSet(new URL(keys.url), {
    cacheMaxAge: keys.cacheSeconds * 1000,
    cooldownDuration: cooldownMs,
    timeoutDuration: FETCH_TIMEOUT_MS,
    [customFetch]: gatedFetch,
  });
}

/** A verified token's payload, remembered until `until`. */
interface Verified {
  readonly payload: JWTPayload;
  readonly until: number;
}

/** The check of one endpoint's `auth/validator`: call it with each request, before reading anything else of it. */
export function createJwtCheck(settings: JwtSettings): (request: IncomingMessage) => Promise<AuthOutcome> {
  // Made now: a local key file is read at start, as KrakenD reads it, and a bad one stops the service there.
  const keys = sharedKeySource(settings.keys);
  const verified = new Map<string, Verified>();
  const leewayMs = settings.leewaySeconds * 1000;

  const verify = async (token: string): Promise<JWTPayload | string> => {
    const now = Date.now();
    const known = verified.get(token);
    if (known && known.until > now) return known.payload;
    if (known) verified.delete(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [settings.alg],
        clockTolerance: settings.leewaySeconds,
        ...(settings.issuer === null ? {} : { issuer: settings.issuer }),
      }));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return code === "ERR_JWT_EXPIRED" ? "the token has expired" : "the token is not valid";
    }
    if (typeof payload.iat === "number" && payload.iat * 1000 > now + leewayMs) return "the token is not valid";
    // An `aud` that is neither a string nor a list of them names no audience.
    const audiences = typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
    if (!settings.audience.every((a) => audiences.includes(a))) return "the token is not valid";
    const expires = typeof payload.exp === "number" ? payload.exp * 1000 + leewayMs : Number.POSITIVE_INFINITY;
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(token, { payload, until: Math.min(expires, now + VERIFIED_TTL_MS) });
    return payload;
  };

  return async (request) => {
    const token = tokenOf(request, settings);
    if (token === null) return unauthorized("a bearer token is required", false);
    if (token === "") return unauthorized("the token is not valid", true);
    const payload = await verify(token);
    if (typeof payload === "string") return unauthorized(payload, true);
    const { roles, scopes } = settings;
    if (roles) {
      const held = listClaim(claimAt(payload, roles.path));
      if (!roles.anyOf.some((role) => held.includes(role))) return forbidden("the token does not have a role this endpoint requires");
    }
    if (scopes) {
      const held = listClaim(claimAt(payload, scopes.path));
      const has = (scope: string) => held.includes(scope);
      if (!(scopes.all ? scopes.required.every(has) : scopes.required.some(has))) return forbidden("the token does not have the scopes this endpoint requires");
    }
    const headers: Record<string, readonly string[]> = {};
    for (const [path, header] of settings.propagate) {
      const value = claimAt(payload, path);
      headers[header] = settings.preserveArrays && Array.isArray(value) ? value.map(renderClaim) : [renderClaim(value)];
    }
    return { ok: true, headers };
  };
}
