/**
 * CORS (KrakenD's `security/cors`, service level, read as its rs/cors library reads it): a
 * preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered here, before routing,
 * with `optionsSuccessStatus` (unless `optionsPassthrough`); an actual request from an allowed
 * origin gets the `Access-Control-Allow-*` headers. A disallowed origin gets none, and the browser
 * refuses to hand the answer to the page (for a preflight: to send the request at all).
 */
import { firstHeader } from "./checks.js";
import type { Cors, CorsSettings } from "./types.js";

export function createCors(settings: CorsSettings): Cors {
  const anyOrigin = settings.allowOrigins.length === 0 || settings.allowOrigins.includes("*");
  const exact = new Set(settings.allowOrigins.filter((o) => !o.includes("*")).map((o) => o.toLowerCase()));
  const wildcards = settings.allowOrigins
    .filter((o) => o !== "*" && o.includes("*"))
    .map((o) => {
      const [prefix = "", suffix = ""] = o.toLowerCase().split("*", 2);
      return { prefix, suffix };
    });
  const methods = new Set(settings.allowMethods.map((m) => m.toUpperCase()));
  const anyHeader = settings.allowHeaders.includes("*");
  const headers = new Set(settings.allowHeaders.map((h) => h.toLowerCase()));
  headers.add("origin"); // always allowed, as in rs/cors

  const originAllowed = (origin: string): boolean => {
    if (anyOrigin) return true;
    const lower = origin.toLowerCase();
    return (
      exact.has(lower) || wildcards.some((w) => lower.length >= w.prefix.length + w.suffix.length && lower.startsWith(w.prefix) && lower.endsWith(w.suffix))
    );
  };
  const allowOrigin = (origin: string) => (anyOrigin && !settings.allowCredentials ? "*" : origin);
  // OPTIONS is always allowed (the preflight's own method), as in rs/cors.
  const methodAllowed = (method: string) => method === "OPTIONS" || methods.has(method.toUpperCase());
  const headersAllowed = (requested: string) =>
    anyHeader ||
    requested
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== "")
      .every((h) => headers.has(h));

  const exposeHeaders = settings.exposeHeaders.length > 0 ? settings.exposeHeaders.join(", ") : null;
  return {
    preflight(request) {
      if (request.method !== "OPTIONS" || request.headers["access-control-request-method"] === undefined) return null;
      if (settings.optionsPassthrough) return null;
      const out: Record<string, string> = { Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers", "Content-Length": "0" };
      const origin = firstHeader(request, "origin");
      const method = firstHeader(request, "access-control-request-method").toUpperCase();
      const requested = firstHeader(request, "access-control-request-headers");
      if (origin !== "" && originAllowed(origin) && methodAllowed(method) && headersAllowed(requested)) {
        out["Access-Control-Allow-Origin"] = allowOrigin(origin);
        out["Access-Control-Allow-Methods"] = method;
        if (requested !== "") out["Access-Control-Allow-Headers"] = requested;
        if (settings.allowCredentials) out["Access-Control-Allow-Credentials"] = "true";
        if (settings.maxAgeSeconds > 0) out["Access-Control-Max-Age"] = String(settings.maxAgeSeconds);
        if (settings.allowPrivateNetwork && request.headers["access-control-request-private-network"] === "true")
          out["Access-Control-Allow-Private-Network"] = "true";
      }
      return { status: settings.optionsSuccessStatus, headers: out, body: "" };
    },
    headers(request) {
      const origin = firstHeader(request, "origin");
      if (origin === "" || !originAllowed(origin) || !methodAllowed(request.method ?? "GET")) return { Vary: "Origin" };
      const out: Record<string, string> = { Vary: "Origin", "Access-Control-Allow-Origin": allowOrigin(origin) };
      if (settings.allowCredentials) out["Access-Control-Allow-Credentials"] = "true";
      if (exposeHeaders) out["Access-Control-Expose-Headers"] = exposeHeaders;
      return out;
    },
  };
}
