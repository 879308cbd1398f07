/**
 * KrakenD's `security/http` (service level), around every answer of the service: the allowed
 * hosts (another Host is 400), the redirect to HTTPS (301), and the security headers
 * (Strict-Transport-Security, X-Frame-Options, X-Content-Type-Options, X-XSS-Protection,
 * Content-Security-Policy, Referrer-Policy). `isDevelopment` turns the host, HTTPS and STS checks
 * off, as in KrakenD. Headers a client sends to say where it came from (`hostProxyHeaders`,
 * `sslProxyHeaders`) are believed only from trusted proxies.
 */
import type { IncomingMessage } from "node:http";
import type { BlockList } from "node:net";
import type { TLSSocket } from "node:tls";
import { firstHeader, fromTrustedProxy } from "./checks.js";
import type { HttpAnswer, HttpSecurity, HttpSecuritySettings } from "./types.js";

export function createHttpSecurity(settings: HttpSecuritySettings): HttpSecurity {
  // Hosts compare without case; a pattern matches the whole Host, alternatives included.
  const hostPatterns = settings.allowedHostsAreRegex ? settings.allowedHosts.map((host) => new RegExp(`^(?:${host})$`, "i")) : null;
  const hosts = new Set(settings.allowedHosts.map((host) => host.toLowerCase()));
  const fixed: Record<string, string> = {};
  if (settings.frameOptions) fixed["X-Frame-Options"] = settings.frameOptions;
  if (settings.contentTypeNosniff) fixed["X-Content-Type-Options"] = "nosniff";
  if (settings.browserXssFilter) fixed["X-XSS-Protection"] = "1; mode=block";
  if (settings.contentSecurityPolicy) fixed["Content-Security-Policy"] = settings.contentSecurityPolicy;
  if (settings.referrerPolicy) fixed["Referrer-Policy"] = settings.referrerPolicy;
  const sts =
    settings.stsSeconds > 0 && !settings.isDevelopment ? `max-age=${settings.stsSeconds}${settings.stsIncludeSubdomains ? "; includeSubDomains" : ""}` : null;
  const withSts = sts ? { ...fixed, "Strict-Transport-Security": sts } : fixed;

  // Header names as Node keys them (lower case), once.
  const sslProxyHeaders = Object.entries(settings.sslProxyHeaders).map(([name, value]) => [name.toLowerCase(), value] as const);
  const hostProxyHeaders = settings.hostProxyHeaders.map((name) => name.toLowerCase());
  const isHttps = (request: IncomingMessage, proxies: BlockList | null): boolean => {
    if ((request.socket as TLSSocket).encrypted === true) return true;
    if (!fromTrustedProxy(request, proxies)) return false;
    return sslProxyHeaders.some(([name, value]) => firstHeader(request, name) === value);
  };
  const hostOf = (request: IncomingMessage, proxies: BlockList | null): string => {
    if (fromTrustedProxy(request, proxies)) {
      for (const name of hostProxyHeaders) {
        const value = firstHeader(request, name);
        if (value) return value;
      }
    }
    return request.headers.host ?? "";
  };

  return {
    check(request, proxies) {
      if (settings.isDevelopment) return null;
      if (settings.allowedHosts.length > 0) {
        const host = hostOf(request, proxies);
        const allowed = hostPatterns ? hostPatterns.some((pattern) => pattern.test(host)) : hosts.has(host.toLowerCase());
        if (!allowed) return plain(400, "Bad Host");
      }
      if (settings.sslRedirect && !isHttps(request, proxies)) {
        const host = settings.sslHost || hostOf(request, proxies);
        // Express rewrites `url` below a mount point and keeps the whole target in `originalUrl`.
        const target = (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? "/";
        return { status: 301, headers: { Location: `https://${host}${target}`, "Content-Length": "0" }, body: "" };
      }
      return null;
    },
    headers(request, proxies) {
      return sts && (settings.forceStsHeader || isHttps(request, proxies)) ? withSts : fixed;
    },
  };
}

function plain(status: number, text: string): HttpAnswer {
  return { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)) }, body: text };
}
