/**
 * The runtime's pure request checks and helpers, imported from their source in templates/runtime/
 * (emitted verbatim into every output folder): header bytes, hop-by-hop headers, the direct
 * reply-to name, and the heartbeat added to broker URLs.
 */
import { createServer, type IncomingMessage } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DIRECT_REPLY_TO, checkReplyTo, forwardHeaders, headerSelection, headerText, messageContentType } from "../templates/runtime/checks.js";
import { withHeartbeat } from "../templates/runtime/publisher.js";
import { RequestError } from "../templates/runtime/types.js";

/** Requests parsed by node:http itself from raw header lines (bytes), on a loopback server. */
const parsed: IncomingMessage[] = [];
const server = createServer((request, response) => {
  parsed.push(request);
  response.end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;

async function requestWith(rawHeaders: [string, string | Buffer][]): Promise<IncomingMessage> {
  const lines = rawHeaders.map(([name, value]) => Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value), Buffer.from("\r\n")]));
  const has = (header: string) => rawHeaders.some(([name]) => name.toLowerCase() === header);
  const ending = has("transfer-encoding") ? "\r\n0\r\n\r\n" : "Content-Length: 0\r\n\r\n";
  const head = Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\n${has("host") ? "" : "Host: h\r\n"}`), ...lines, Buffer.from(ending)]);
  const before = parsed.length;
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  socket.write(head);
  const until = Date.now() + 2000;
  while (parsed.length === before && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
  socket.destroy();
  const request = parsed[before];
  if (!request) throw new Error("node:http did not accept the request (a parse error?)");
  return request;
}

const utf8 = (text: string) => Buffer.from(text, "utf8");

test("headerText: ASCII as is, UTF-8 bytes read back as UTF-8, anything else null", () => {
  assert.is(headerText("plain ascii"), "plain ascii");
  assert.is(headerText(utf8("Grüße ✓ 🙂").toString("latin1")), "Grüße ✓ 🙂");
  assert.is(headerText(Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString("latin1")), null, "latin1 é alone is not UTF-8");
  assert.is(headerText(Buffer.from([0xc3]).toString("latin1")), null, "a truncated sequence");
  assert.is(headerText(Buffer.from([0xed, 0xa0, 0x80]).toString("latin1")), null, "an encoded surrogate");
});

test("forwardHeaders: values byte for byte, repeated lines as several strings, a non-UTF-8 value a 400 naming the header", async () => {
  const headers = forwardHeaders(
    await requestWith([
      ["X-Note", utf8("Grüße ✓")],
      ["X-Multi", "a"],
      ["X-Multi", "b"],
      ["Host", "h"],
    ]),
    headerSelection("*"),
  );
  assert.ok(!(headers instanceof RequestError));
  if (headers instanceof RequestError) return;
  assert.equal(headers["X-Note"], ["Grüße ✓"]);
  assert.equal(headers["X-Multi"], ["a", "b"]);
  assert.equal(headers["X-Forwarded-Host"], ["h"]);
  assert.not.ok("Host" in headers);
  const bad = forwardHeaders(await requestWith([["X-Note", Buffer.from([0xff])]]), headerSelection(["X-Note"]));
  assert.instance(bad, RequestError);
  assert.is((bad as RequestError).status, 400);
  assert.match((bad as RequestError).message, /X-Note is not valid UTF-8/);
  // A header the endpoint does not forward is never looked at.
  assert.not.instance(forwardHeaders(await requestWith([["X-Other", Buffer.from([0xff])]]), headerSelection(["X-Note"])), RequestError);
});

test('forwardHeaders: hop-by-hop headers and those Connection names are dropped, with "*" and with a list', async () => {
  const raw: [string, string][] = [
    ["Connection", "keep-alive, X-Secret"],
    ["Keep-Alive", "timeout=5"],
    ["Proxy-Connection", "keep-alive"],
    ["TE", "trailers"],
    ["Trailer", "X-Sum"],
    ["Transfer-Encoding", "chunked"],
    ["Upgrade", "h2c"],
    ["X-Secret", "hop"],
    ["X-Kept", "end-to-end"],
  ];
  const all = forwardHeaders(await requestWith(raw), headerSelection("*")) as Record<string, string[]>;
  assert.equal(Object.keys(all).sort(), ["User-Agent", "X-Forwarded-For", "X-Forwarded-Host", "X-Kept"]);
  const listed = forwardHeaders(await requestWith(raw), headerSelection(["X-Secret", "X-Kept"])) as Record<string, string[]>;
  assert.not.ok("X-Secret" in listed, "named by Connection, so hop-by-hop for this request");
  assert.equal(listed["X-Kept"], ["end-to-end"]);
});

/** The content type a route forwarding `inputHeaders` gives the message for a request with these header lines. */
async function contentTypeFor(lines: [string, string | Buffer][], inputHeaders: "*" | readonly string[]) {
  const selection = headerSelection(inputHeaders);
  const headers = forwardHeaders(await requestWith(lines), selection);
  return headers instanceof RequestError ? headers : messageContentType(headers, selection);
}

test("messageContentType: byte for byte, a short string, UTF-8, only when forwarded", async () => {
  assert.is(await contentTypeFor([["Content-Type", utf8("text/plain; x=Grüße")]], ["Content-Type"]), "text/plain; x=Grüße");
  assert.is(await contentTypeFor([["Content-Type", "text/plain"]], ["X-Other"]), undefined, "not forwarded");
  assert.is(
    await contentTypeFor(
      [
        ["Connection", "Content-Type"],
        ["Content-Type", "text/plain"],
      ],
      ["Content-Type"],
    ),
    undefined,
    "named by Connection",
  );
  assert.instance(await contentTypeFor([["Content-Type", Buffer.from([0x74, 0xff])]], "*"), RequestError);
  assert.instance(await contentTypeFor([["Content-Type", `text/plain; x=${"y".repeat(250)}`]], "*"), RequestError);
  assert.is(
    await contentTypeFor(
      [
        ["content-TYPE", "a/b"],
        ["Content-Type", "c/d"],
      ],
      "*",
    ),
    "a/b",
    "the first line, as Node and Go read it",
  );
});

test("forwardHeaders with a list: names matched whatever the client's case, every line of a repeated header, in the list's order", async () => {
  const request = await requestWith([
    ["x-b", "1"],
    ["X-A", "2"],
    ["X-b", "3"],
    ["X-Bb", "not X-B"],
  ]);
  const headers = forwardHeaders(request, headerSelection(["X-A", "X-B"])) as Record<string, string[]>;
  assert.equal(headers["X-A"], ["2"]);
  assert.equal(headers["X-B"], ["1", "3"]);
  assert.equal(Object.keys(headers).slice(0, 2), ["X-A", "X-B"]);
  assert.not.ok("X-Bb" in headers);
});

test('forwardHeaders: a header named __proto__ is an own header, not the object\'s prototype, with "*" and with a list', async () => {
  const headers = forwardHeaders(await requestWith([["__proto__", "x"]]), headerSelection("*")) as Record<string, string[]>;
  assert.equal(Object.getOwnPropertyDescriptor(headers, "__proto__")?.value, ["x"]);
  assert.is(Object.getPrototypeOf(headers), Object.prototype);
  assert.ok(Object.keys(headers).includes("__proto__"));
  const listed = forwardHeaders(await requestWith([["__proto__", "y"]]), headerSelection(["__proto__"])) as Record<string, string[]>;
  assert.equal(Object.getOwnPropertyDescriptor(listed, "__proto__")?.value, ["y"], "and so when input_headers lists it");
  assert.is(Object.getPrototypeOf(listed), Object.prototype);
});

test("replyTo: the direct reply-to pseudo-queue is a 400; its reply addresses and other names pass", () => {
  assert.is(DIRECT_REPLY_TO, "amq.rabbitmq.reply-to");
  assert.instance(checkReplyTo("amq.rabbitmq.reply-to", "reply-to"), RequestError);
  for (const ok of ["amq.rabbitmq.reply-to.g1h2AA", "AMQ.RABBITMQ.REPLY-TO", "replies", "amq.gen-x"]) assert.is(checkReplyTo(ok, "reply-to"), ok);
  assert.instance(checkReplyTo("é".repeat(128), "reply-to"), RequestError, "over 255 bytes");
});

test("withHeartbeat: added as a query parameter unless the URL names one", () => {
  const table: [string, string][] = [
    ["amqp://h:5672", "amqp://h:5672?heartbeat=10"],
    ["amqp://u:p@h/vh", "amqp://u:p@h/vh?heartbeat=10"],
    ["amqp://h/vh?frameMax=8192", "amqp://h/vh?frameMax=8192&heartbeat=10"],
    ["amqp://h/vh?heartbeat=30", "amqp://h/vh?heartbeat=30"],
    ["amqp://h/vh?channelMax=5&heartbeat=0", "amqp://h/vh?channelMax=5&heartbeat=0"],
    ["amqp://h/vh#frag", "amqp://h/vh?heartbeat=10#frag"],
  ];
  for (const [url, want] of table) assert.is(withHeartbeat(url, 10), want, url);
});

test.after(() => {
  server.close();
});

test.run();
