/** The answers the runtime gives over HTTP: JSON bodies with their length, and error answers. */
import type { HttpAnswer, OutputEncoding, PublishResult, Reply } from "./types.js";

/** Where the liveness and readiness probes answer unless `probes` says otherwise (KrakenD's `/__health`). */
export const DEFAULT_PROBES = { health: "/__health", ready: "/__ready" } as const;

/** KrakenD's success body for each `output_encoding`. */
export const SUCCESS_BODY: Record<OutputEncoding, string> = { json: "null", "json-collection": "[]", "no-op": "", string: "" };

/** An answer with a JSON body (or an empty one), its Content-Type and Content-Length. */
export function answer(status: number, body: string, headers: Record<string, string> = {}): HttpAnswer {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)), ...headers },
    body,
  };
}

/** The answer to a published message, for each `output_encoding`: made once, the same for every request. */
export const SUCCESS_ANSWERS = Object.freeze(
  Object.fromEntries(
    Object.entries(SUCCESS_BODY).map(([encoding, body]) => {
      const success = answer(200, body, { "X-Krakend-Completed": "false" });
      Object.freeze(success.headers);
      return [encoding, Object.freeze(success)];
    }),
  ),
) as Readonly<Record<OutputEncoding, HttpAnswer>>;

/** A failure answer: `status` and `{ "error": message }`. */
export function errorAnswer(status: number, message: string, headers: Record<string, string> = {}): HttpAnswer {
  return answer(status, JSON.stringify({ error: message }), headers);
}

/** The answer to a failed publish, with Retry-After when the failure is temporary. */
export function failure(result: Extract<PublishResult, { ok: false }>): HttpAnswer {
  return errorAnswer(result.status, result.message, result.retryAfter === undefined ? {} : { "Retry-After": String(result.retryAfter) });
}

/** A request-reply route's answer: the reply's bytes as they are, with its content type. */
export function replyAnswer(reply: Reply): HttpAnswer {
  return {
    status: 200,
    headers: { "Content-Type": reply.contentType ?? "application/octet-stream", "Content-Length": String(reply.body.length) },
    body: reply.body,
  };
}
