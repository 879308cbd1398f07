/**
 * The runtime's per-route counters (templates/runtime/stats.ts), which the Prometheus adapter
 * reads and the OpenTelemetry adapter names its errors after: which answer is which outcome, and
 * where a duration falls in the histogram.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DURATION_BUCKETS_SECONDS, OUTCOMES, outcomeOf, RouteMeter } from "../templates/runtime/stats.js";
import type { RouteInfo } from "../templates/runtime/types.js";

const route = { id: "postOrders", method: "POST", path: "/orders/{id}" } as RouteInfo;

test("outcomeOf: every answer a routed request can get has one outcome", () => {
  const cases: [number | null, string][] = [
    [200, "published"],
    [204, "published"],
    [400, "rejected"],
    [401, "unauthorized"],
    [403, "forbidden"],
    [429, "limited"],
    [413, "rejected"],
    [415, "rejected"],
    [500, "error"],
    [502, "refused"],
    [503, "unavailable"],
    [504, "timeout"],
    [null, "aborted"],
  ];
  for (const [status, outcome] of cases) assert.is(outcomeOf(status), outcome, String(status));
  assert.equal(new Set(cases.map(([, o]) => o)), new Set(OUTCOMES), "and every outcome is reachable");
});

test("RouteMeter: outcomes counted; durations of published messages only, in cumulative buckets (le is inclusive)", () => {
  const meter = new RouteMeter(route);
  const now = performance.now();
  // Received `seconds` ago: the meter measures up to now, so a duration is at least that long.
  const ago = (seconds: number) => now - seconds * 1000;
  meter.record(200, ago(0));
  meter.record(200, ago(0.3));
  meter.record(200, ago(20));
  meter.record(503, ago(5));
  meter.record(null, ago(1));
  const stats = meter.snapshot();
  assert.equal([stats.id, stats.method, stats.path], ["postOrders", "POST", "/orders/{id}"]);
  assert.is(stats.outcomes.published, 3);
  assert.is(stats.outcomes.unavailable, 1);
  assert.is(stats.outcomes.aborted, 1);
  assert.is(stats.outcomes.rejected, 0);
  assert.is(stats.duration.count, 3, "only the published ones are timed");
  assert.ok(stats.duration.sum >= 20.3 && stats.duration.sum < 21, `sum ${stats.duration.sum}`);
  const at = (le: number) => stats.duration.buckets[DURATION_BUCKETS_SECONDS.indexOf(le)];
  assert.is(at(0.005), 1, "the immediate one");
  assert.is(at(0.25), 1, "0.3 s is above 0.25");
  assert.is(at(0.5), 2);
  assert.is(at(10), 2, "20 s is only in +Inf (count)");
  assert.is(stats.duration.buckets.length, DURATION_BUCKETS_SECONDS.length);
});

test("RouteMeter: a snapshot is a copy; recording after it does not change it", () => {
  const meter = new RouteMeter(route);
  const before = meter.snapshot();
  meter.record(200, performance.now());
  assert.is(before.outcomes.published, 0);
  assert.is(before.duration.count, 0);
  assert.is(meter.snapshot().outcomes.published, 1);
});

test.run();
