/**
 * What the `amqp-gen:publish` TracingChannel costs per publish: a publish called directly (the
 * baseline), through `tracedPublish` with nobody subscribed, and with a subscriber that does
 * nothing. The publish itself is an already-settled promise, so the figures are the wrapper's
 * alone. `node --import tsx bench/tracing.ts` runs it alone.
 */
import { tracingChannel } from "node:diagnostics_channel";
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { tracedPublish } from "../templates/runtime/tracing.js";
import type { Outgoing, PublishResult, RouteInfo } from "../templates/runtime/types.js";

export interface TracingFigure {
  /** Nanoseconds per publish, medians of `runs`. */
  directNs: number;
  unsubscribedNs: number;
  subscribedNs: number;
  /** Extra nanoseconds per publish over the direct call. */
  unsubscribedCostNs: number;
  subscribedCostNs: number;
}

const ROUTE = { id: "bench", exchange: { name: "bench", type: "topic", durable: true, autoDelete: false } } as unknown as RouteInfo;
const REQUEST = new IncomingMessage(new Socket());
const CONFIRMED: PublishResult = { ok: true };
const publish = () => Promise.resolve(CONFIRMED);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1] ?? 0;
}

async function nsPerCall(iterations: number, call: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await call();
  return Number(process.hrtime.bigint() - start) / iterations;
}

export async function benchTracing(iterations = 300_000, runs = 5): Promise<TracingFigure> {
  const outgoing = (): Outgoing => ({ routingKey: "k", options: { headers: {} } });
  const traced = () => tracedPublish(ROUTE, outgoing(), REQUEST, publish);
  const plain = () => {
    void outgoing(); // the same allocation as the traced call, so only the wrapper differs
    return publish();
  };
  const noop = () => undefined;
  const subscribers = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
  const figures = { direct: [] as number[], unsubscribed: [] as number[], subscribed: [] as number[] };
  for (let run = 0; run < runs; run++) {
    // Alternate the order so that neither side always runs warm.
    figures.direct.push(await nsPerCall(iterations, plain));
    figures.unsubscribed.push(await nsPerCall(iterations, traced));
    tracingChannel("amqp-gen:publish").subscribe(subscribers);
    figures.subscribed.push(await nsPerCall(iterations, traced));
    tracingChannel("amqp-gen:publish").unsubscribe(subscribers);
  }
  const directNs = median(figures.direct);
  const unsubscribedNs = median(figures.unsubscribed);
  const subscribedNs = median(figures.subscribed);
  return { directNs, unsubscribedNs, subscribedNs, unsubscribedCostNs: unsubscribedNs - directNs, subscribedCostNs: subscribedNs - directNs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchTracing();
  console.log(
    `publish wrapper: direct ${f.directNs.toFixed(0)} ns, traced with nobody subscribed ${f.unsubscribedNs.toFixed(0)} ns (+${f.unsubscribedCostNs.toFixed(0)} ns), ` +
      `with a subscriber ${f.subscribedNs.toFixed(0)} ns (+${f.subscribedCostNs.toFixed(0)} ns)`,
  );
}
