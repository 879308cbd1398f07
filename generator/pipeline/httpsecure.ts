/**
 * The service's `security/http` (KrakenD's httpsecure): the rules that check it, run once by the
 * analyser, and the settings the generated service applies to every request
 * (templates/runtime/httpsecure.ts).
 */
import { Diagnostics } from "../diagnostics/catalogue.js";
import { joinPointer } from "../diagnostics/diagnostics.js";
import type { HttpSecuritySettings } from "../../templates/runtime/types.js";
import type { HttpSecurity } from "../generated/producer-config.js";
import { fieldsNotRead, type Rule } from "./rules.js";
import { mayBacktrack } from "./botdetector.js";
import { closest } from "./text.js";
import { spellingsOf } from "./namespaces.js";

export const HTTP_SECURITY_NAMESPACES = spellingsOf("security/http");

export type HttpSecurityBlock = HttpSecurity;

export interface HttpSecurityContext {
  readonly pointer: string;
  readonly block: HttpSecurityBlock;
}

const CARRIED_OUT = [
  "allowed_hosts",
  "allowed_hosts_are_regex",
  "host_proxy_headers",
  "ssl_redirect",
  "ssl_host",
  "ssl_proxy_headers",
  "sts_seconds",
  "sts_include_subdomains",
  "force_sts_header",
  "frame_deny",
  "custom_frame_options_value",
  "content_type_nosniff",
  "browser_xss_filter",
  "content_security_policy",
  "referrer_policy",
  "is_development",
];
/** HTTP Public Key Pinning: browsers dropped it; KrakenD still sends the header. */
const NO_EFFECT = ["hpkp_public_key"];

export const HTTP_SECURITY_RULES: readonly Rule<HttpSecurityContext>[] = [
  {
    name: "host patterns are regular expressions",
    codes: ["AG247"],
    check(ctx, report) {
      if (ctx.block.allowed_hosts_are_regex !== true) return;
      (ctx.block.allowed_hosts ?? []).forEach((host, index) => {
        let compiles = true;
        try {
          new RegExp(`^(?:${host})$`, "i");
        } catch {
          compiles = false;
        }
        // The Host header is the client's: a pattern that may backtrack exponentially is refused too.
        if (!compiles || mayBacktrack(host)) report(joinPointer(ctx.pointer, "allowed_hosts", index), Diagnostics.AG247({ host }));
      });
    },
  },
  {
    name: "an HTTPS redirect can tell HTTPS behind a proxy",
    codes: ["AG252"],
    check(ctx, report) {
      const { block } = ctx;
      if (block.ssl_redirect === true && block.is_development !== true && Object.keys(block.ssl_proxy_headers ?? {}).length === 0)
        report(joinPointer(ctx.pointer, "ssl_redirect"), Diagnostics.AG252({}), "key");
    },
  },
  {
    name: "every field is carried out; development mode is said",
    codes: ["AG248"],
    check(ctx, report) {
      if (ctx.block.is_development === true)
        report(
          joinPointer(ctx.pointer, "is_development"),
          Diagnostics.AG248({ field: "is_development", problem: "development", suggestion: undefined }),
          "key",
        );
      for (const field of fieldsNotRead(ctx.block, CARRIED_OUT)) {
        const problem = NO_EFFECT.includes(field) ? "no-effect" : "unknown";
        report(
          joinPointer(ctx.pointer, field),
          Diagnostics.AG248({ field, problem, suggestion: problem === "unknown" ? closest(field, CARRIED_OUT) : undefined }),
          "key",
        );
      }
    },
  },
];

/** The settings the service applies, once the rules passed. */
export function httpSecuritySettings(block: HttpSecurityBlock): HttpSecuritySettings {
  return {
    allowedHosts: block.allowed_hosts ?? [],
    allowedHostsAreRegex: block.allowed_hosts_are_regex === true,
    hostProxyHeaders: block.host_proxy_headers ?? [],
    sslRedirect: block.ssl_redirect === true,
    sslHost: block.ssl_host ?? "",
    sslProxyHeaders: Object.fromEntries(Object.entries(block.ssl_proxy_headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    stsSeconds: block.sts_seconds ?? 0,
    stsIncludeSubdomains: block.sts_include_subdomains === true,
    forceStsHeader: block.force_sts_header === true,
    frameOptions: block.custom_frame_options_value ?? (block.frame_deny === true ? "DENY" : ""),
    contentTypeNosniff: block.content_type_nosniff === true,
    browserXssFilter: block.browser_xss_filter === true,
    contentSecurityPolicy: block.content_security_policy ?? "",
    referrerPolicy: block.referrer_policy ?? "",
    isDevelopment: block.is_development === true,
  };
}
