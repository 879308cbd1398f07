/**
 * An endpoint's `qos/ratelimit/router` (KrakenD's token buckets): the rules that check it, run by
 * the analyser for each producer endpoint that has one, and the settings the generated route
 * limits with (templates/runtime/ratelimit.ts). Where KrakenD fails open silently (an unknown
 * strategy drops the client limit), generation stops; where its defaults surprise, it warns.
 */
import { Diagnostics } from "../diagnostics/catalogue.js";
import { joinPointer } from "../diagnostics/diagnostics.js";
import type { RateLimitSettings } from "../../templates/runtime/types.js";
import type { RateLimit } from "../generated/producer-config.js";
import type { ParamIR } from "./ir.js";
import { fieldsNotRead, type Rule } from "./rules.js";
import { closest, parseGoDuration } from "./text.js";

export const RATE_LIMIT_NAMESPACE = "qos/ratelimit/router";

/** The block as the schema let it through (types checked there). */
export type RateLimitBlock = RateLimit;

export interface RateLimitContext {
  readonly pointer: string;
  readonly block: RateLimitBlock;
  readonly params: readonly ParamIR[];
}

const STRATEGIES = ["ip", "header", "param"];
const CARRIED_OUT = ["max_rate", "capacity", "client_max_rate", "client_capacity", "strategy", "key", "every"];
/** KrakenD's tuning of its own store: nothing to tune here (one map, bounded, least recently used out). */
const NO_EFFECT = ["num_shards", "cleanup_period", "cleanup_threads"];

const at = (ctx: RateLimitContext, field: string) => joinPointer(ctx.pointer, field);
const strategyOf = (block: RateLimitBlock) => (block.strategy ?? "ip").toLowerCase();
/** The param a `param` strategy names: by its name in the endpoint, or by KrakenD's key for it. */
const paramNamed = (params: readonly ParamIR[], key: string) => params.find((p) => p.name === key) ?? params.find((p) => p.key === key);

/** `every` in milliseconds, at least 1 s as in KrakenD; undefined when it is not a Go duration. */
function everyMs(block: RateLimitBlock): number | undefined {
  const ms = parseGoDuration(block.every ?? "1s");
  return ms === undefined ? undefined : Math.max(1000, ms);
}

export const RATE_LIMIT_RULES: readonly Rule<RateLimitContext>[] = [
  {
    name: "a client limit says how clients are told apart",
    codes: ["AG243"],
    gate: true,
    check(ctx, report) {
      const { block } = ctx;
      if ((block.client_max_rate ?? 0) <= 0) return;
      const strategy = strategyOf(block);
      if (!STRATEGIES.includes(strategy)) {
        report(at(ctx, "strategy"), Diagnostics.AG243({ problem: "strategy", value: block.strategy ?? "", suggestion: closest(strategy, STRATEGIES) }));
        return;
      }
      if (strategy === "ip") return;
      const key = block.key ?? "";
      if (key === "") report(ctx.pointer, Diagnostics.AG243({ problem: "no-key", value: strategy, suggestion: undefined }), "key");
      else if (strategy === "param" && !paramNamed(ctx.params, key))
        report(
          at(ctx, "key"),
          Diagnostics.AG243({
            problem: "no-param",
            value: key,
            suggestion: closest(
              key,
              ctx.params.map((p) => p.name),
            ),
          }),
        );
    },
  },
  {
    name: "every is a Go duration",
    codes: ["AG243"],
    check(ctx, report) {
      if (everyMs(ctx.block) === undefined)
        report(at(ctx, "every"), Diagnostics.AG243({ problem: "every", value: ctx.block.every ?? "", suggestion: undefined }));
    },
  },
  {
    name: "KrakenD's surprising defaults, said",
    codes: ["AG244"],
    check(ctx, report) {
      const { block } = ctx;
      const ms = parseGoDuration(block.every ?? "1s");
      if (ms !== undefined && ms < 1000) report(at(ctx, "every"), Diagnostics.AG244({ problem: "every", value: block.every ?? "" }));
      if ((block.client_max_rate ?? 0) > 0 && (block.max_rate ?? 0) < 1 && block.client_capacity === undefined)
        report(at(ctx, "client_max_rate"), Diagnostics.AG244({ problem: "client-capacity", value: String(block.client_max_rate) }), "key");
      if ((block.client_max_rate ?? 0) > 0 && strategyOf(block) === "ip" && block.key !== undefined && block.key !== "")
        report(at(ctx, "key"), Diagnostics.AG244({ problem: "ip-key", value: block.key }));
    },
  },
  {
    name: "every field is carried out",
    codes: ["AG244"],
    check(ctx, report) {
      for (const field of fieldsNotRead(ctx.block, CARRIED_OUT)) {
        report(at(ctx, field), Diagnostics.AG244({ problem: NO_EFFECT.includes(field) ? "no-effect" : "unknown", value: field }), "key");
      }
    },
  },
];

/** The settings the route limits with, once the rules passed. */
export function rateLimitSettings(block: RateLimitBlock, params: readonly ParamIR[]): RateLimitSettings {
  const perSecond = (rate: number) => rate * (1000 / (everyMs(block) ?? 1000));
  const maxRate = block.max_rate ?? 0;
  const clientRate = block.client_max_rate ?? 0;
  const strategy = strategyOf(block);
  const key = block.key ?? "";
  const by: NonNullable<RateLimitSettings["client"]>["by"] =
    strategy === "header"
      ? { kind: "header", header: key.toLowerCase() }
      : strategy === "param"
        ? { kind: "param", segment: paramNamed(params, key)?.segment ?? -1 }
        : { kind: "ip" };
  return {
    endpoint: maxRate > 0 ? { perSecond: perSecond(maxRate), capacity: block.capacity ?? Math.max(1, Math.floor(perSecond(maxRate))) } : null,
    // KrakenD's default client capacity is 1 when there is no endpoint rate (AG244 says so).
    client:
      clientRate > 0
        ? { perSecond: perSecond(clientRate), capacity: block.client_capacity ?? (maxRate < 1 ? 1 : Math.max(1, Math.floor(perSecond(clientRate)))), by }
        : null,
  };
}
