/**
 * Per-route counters for metrics: how each routed request ended (its outcome) and how long the
 * published ones took, from the request received to the broker's confirm. Plain numbers, kept
 * by the publisher and read through `publisher.stats()`, so that the runtime needs no metrics
 * library: the Prometheus and OpenTelemetry adapters read or follow them.
 */
import type { Outcome, RouteInfo, RouteStats } from "./types.js";

export const OUTCOMES: readonly Outcome[] = [
  "published",
  "unauthorized",
  "forbidden",
  "limited",
  "rejected",
  "refused",
  "unavailable",
  "timeout",
  "error",
  "aborted",
];

/** The outcome an answer's status stands for; null: the client went away. */
export function outcomeOf(status: number | null): Outcome {
  if (status === null) return "aborted";
  if (status < 300) return "published";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 429) return "limited";
  if (status < 500) return "rejected";
  if (status === 502) return "refused";
  if (status === 503) return "unavailable";
  if (status === 504) return "timeout";
  return "error";
}

/**
 * Upper bounds of the duration histogram, in seconds: OpenTelemetry's advice for
 * `messaging.client.operation.duration`, so that both adapters bucket alike.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Counts one route's answers. Recording is a few additions: it is on every request's path. */
export class RouteMeter {
  private readonly route: RouteInfo;
  private readonly counts = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  /** Observations per bucket, not cumulative (one increment each); the last one is +Inf. */
  private readonly buckets = new Float64Array(DURATION_BUCKETS_SECONDS.length + 1);
  private sum = 0;

  constructor(route: RouteInfo) {
    this.route = route;
  }

  /**
   * Counts an answer (`status` null: the client went away; `limited`: a rate limit's, whatever
   * its status); `startedAt` is `performance.now()` when the request was received.
   */
  record(status: number | null, startedAt: number, limited = false): void {
    const outcome = limited ? "limited" : outcomeOf(status);
    this.counts[outcome]++;
    if (outcome !== "published") return;
    const seconds = (performance.now() - startedAt) / 1000;
    let i = 0;
    while (i < DURATION_BUCKETS_SECONDS.length && seconds > (DURATION_BUCKETS_SECONDS[i] as number)) i++;
    increment(this.buckets, i);
    this.sum += seconds;
  }

  snapshot(): RouteStats {
    const cumulative: number[] = [];
    let count = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      count += this.buckets[i] as number;
      if (i < DURATION_BUCKETS_SECONDS.length) cumulative.push(count);
    }
    const { id, method, path } = this.route;
    return { id, method, path, outcomes: { ...this.counts }, duration: { buckets: cumulative, count, sum: this.sum } };
  }
}

function increment(counts: Float64Array, index: number): void {
  counts[index] = (counts[index] as number) + 1;
}
