/**
 * What amqp-gen reads of the service's `router` namespace: `trusted_proxies`, the proxies whose
 * `X-Forwarded-For` (rate limits by address) and `X-Forwarded-Host`/`-Proto` (`security/http`) are
 * believed. The generated listener and adapters use them unless given `trustedProxies` of their own.
 */
import { isIP } from "node:net";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { joinPointer } from "../diagnostics/diagnostics.js";
import type { Rule } from "./rules.js";

export interface RouterContext {
  /** Pointer to `trusted_proxies`. */
  readonly pointer: string;
  readonly trustedProxies: readonly string[];
}

/** An IP address, or a CIDR range with a prefix that fits its family. */
export function isAddressOrRange(entry: string): boolean {
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

export const ROUTER_RULES: readonly Rule<RouterContext>[] = [
  {
    name: "trusted proxies are addresses or ranges",
    codes: ["AG251"],
    check(ctx, report) {
      ctx.trustedProxies.forEach((entry, index) => {
        if (!isAddressOrRange(entry)) report(joinPointer(ctx.pointer, index), Diagnostics.AG251({ entry }));
      });
    },
  },
];
