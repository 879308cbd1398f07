/**
 * The routes' topology on a new connection: exchanges, queues and bindings, declared on a channel
 * of their own so that a refusal (which closes the channel) cannot kill the publish path. A route
 * whose topology the broker refuses is answered 503 until the next connection; the others go on.
 * `declare: false` routes only check that their exchange exists.
 */
import type { Channel, ChannelModel } from "amqplib";
import { errorText } from "./log.js";
import type { DeclareArguments, ExchangeSpec, Logger, QueueSpec, RouteInfo } from "./types.js";

export interface TopologySettings {
  /** False: the queues are not declared (KrakenD's exchange-only behaviour). */
  readonly declareQueues: boolean;
  /** The type of the queues declared, unless a route's `x-queue-type` says otherwise. */
  readonly queueType: "classic" | "quorum";
  readonly logger: Logger;
}

/** How a route's exchange is declared (the publisher and the typed consumers alike). */
export function exchangeDeclaration(exchange: ExchangeSpec): { durable: boolean; autoDelete: boolean; arguments?: DeclareArguments } {
  return { durable: exchange.durable, autoDelete: exchange.autoDelete, ...(exchange.arguments ? { arguments: exchange.arguments } : {}) };
}

/**
 * How a route's queue is declared: the publisher's `queueType` unless the route names its own
 * `x-queue-type`; quorum queues and streams always durable. No queue spec: a durable classic queue.
 */
export function queueDeclaration(
  queue: Pick<QueueSpec, "durable" | "arguments"> | null,
  queueType: TopologySettings["queueType"] = "classic",
): { durable: boolean; arguments?: Record<string, unknown> } {
  const args: Record<string, unknown> = { ...(queueType === "quorum" ? { "x-queue-type": "quorum" } : {}), ...queue?.arguments };
  const replicated = args["x-queue-type"] === "quorum" || args["x-queue-type"] === "stream";
  return { durable: replicated || (queue?.durable ?? true), ...(Object.keys(args).length > 0 ? { arguments: args } : {}) };
}

/** Refused routes (by route id) and why, as their 503 says it. */
export type Refusals = Map<string, string>;

async function openTopologyChannel(model: ChannelModel, logger: Logger): Promise<Channel> {
  const channel = await model.createChannel();
  channel.on("error", (err: unknown) => logger.warn(`topology channel error: ${errorText(err)}`));
  return channel;
}

/** Declares what `routes` need on `model`; resolves with the routes the broker refused. */
export async function declareTopology(model: ChannelModel, routes: readonly RouteInfo[], settings: TopologySettings): Promise<Refusals> {
  const refused: Refusals = new Map();
  const { logger } = settings;
  let channel: Channel | null = null;
  const fresh = async (): Promise<Channel> => (channel ??= await openTopologyChannel(model, logger));
  /** Logged once, answered 503 until the next connection. */
  const refuse = (route: RouteInfo, what: string, err: unknown) => {
    logger.error(`route ${route.method} ${route.path}: ${what}: ${errorText(err)}`);
    refused.set(route.id, what.replace(/^the broker refused to /, "cannot "));
  };
  const declared = new Set<string>();
  for (const route of routes) {
    const { exchange, queue } = route;
    const key = `${route.declare}\u0000${exchange.name}\u0000${queue?.name ?? ""}\u0000${queue?.bindingKey ?? ""}`;
    if (declared.has(key)) continue;
    if (!route.declare) {
      // A topology managed elsewhere: check that the exchange is there, create nothing.
      try {
        await (await fresh()).checkExchange(exchange.name);
      } catch (err) {
        channel = null;
        refuse(route, `exchange "${exchange.name}" does not exist (the route declares nothing)`, err);
        continue;
      }
      declared.add(key);
      continue;
    }
    try {
      await (await fresh()).assertExchange(exchange.name, exchange.type, exchangeDeclaration(exchange));
    } catch (err) {
      refuse(route, `the broker refused to declare exchange "${exchange.name}"`, err);
      channel = null; // the broker closed it; the next declaration gets a fresh one
      continue;
    }
    if (queue && settings.declareQueues) {
      try {
        await (await fresh()).assertQueue(queue.name, queueDeclaration(queue, settings.queueType));
      } catch (err) {
        channel = null;
        // A queue that already exists with other arguments (a TTL, a max length, another type)
        // is still a fine destination: use it as it is, and say so.
        const exists = await (await fresh()).checkQueue(queue.name).then(
          () => true,
          () => false,
        );
        if (!exists) {
          channel = null;
          refuse(route, `the broker refused to declare queue "${queue.name}"`, err);
          continue;
        }
        logger.warn(`route ${route.method} ${route.path}: queue "${queue.name}" exists with other settings (${errorText(err)}); using it as it is`);
      }
      try {
        if (queue.bindingKey !== null) await (await fresh()).bindQueue(queue.name, exchange.name, queue.bindingKey);
      } catch (err) {
        channel = null;
        refuse(route, `the broker refused to bind queue "${queue.name}" to exchange "${exchange.name}"`, err);
        continue;
      }
    }
    declared.add(key);
  }
  // Not awaited: amqplib never settles a channel's close() when the connection closes first, and
  // the connect loop would wait for it for good (no reconnect ever again). A close during set-up
  // fails the set-up at its next step instead.
  const last = channel as Channel | null;
  if (last) void last.close().catch(() => undefined);
  return refused;
}
