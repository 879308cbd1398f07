/**
 * Bot detection (KrakenD's `security/bot-detector`, service and endpoint): the `User-Agent` is
 * checked against `allow` (exact; it wins), then `deny` (exact), then `patterns` (regular
 * expressions, translated from Go's RE2 syntax at generation time); an empty one is a bot only
 * with `emptyIsBot`. A bot gets 403 with an empty body, as in KrakenD, and nothing is published.
 * Verdicts are remembered per User-Agent, in a bounded cache (`cacheSize`).
 */
import type { IncomingMessage } from "node:http";
import { GenerationCache } from "./cache.js";
import type { BotDetectorSettings } from "./types.js";

/** The longest User-Agent whose verdict is remembered. */
const MAX_CACHED_AGENT = 512;

/** The check of one bot detector: true when the request comes from a bot. */
export function createBotDetector(settings: BotDetectorSettings): (request: IncomingMessage) => boolean {
  const allow = new Set(settings.allow);
  const deny = new Set(settings.deny);
  const patterns = settings.patterns.map(([source, flags]) => new RegExp(source, flags));
  const limit = Math.max(0, settings.cacheSize);
  const verdicts = new GenerationCache<boolean>(limit);

  const judge = (agent: string): boolean => {
    if (allow.has(agent)) return false;
    if (deny.has(agent)) return true;
    return patterns.some((pattern) => pattern.test(agent));
  };

  return (request) => {
    const agent = request.headers["user-agent"] ?? "";
    if (agent === "") return settings.emptyIsBot;
    if (limit === 0) return judge(agent);
    // A User-Agent longer than any real one is judged every time, never kept: the cache stays small.
    if (agent.length > MAX_CACHED_AGENT) return judge(agent);
    return verdicts.get(agent, judge, agent);
  };
}
