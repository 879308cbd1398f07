/**
 * The broker's turn, for a test file that does most of its work without the broker and needs it
 * only at the end (scripts/test.mjs lists such files in LATER). Under the runner the file starts
 * beside anything, with the broker off limits (probeBroker refuses), and `brokerTurn()` asks the
 * runner over the IPC channel for the broker, shared with other broker files, and waits until it
 * is given.
 * Run on its own (`node --import tsx test/x.test.ts`), the file has the broker from the start.
 */
import { probeBroker } from "./broker.js";

/** Set by the runner for a LATER file: whether a broker answered when the run began. */
const SEEN = process.env["AMQP_GEN_TEST_BROKER_SEEN"];

// The channel must not keep the process alive once uvu is done; it is held only while waiting.
process.channel?.unref();

let granted = false;

/** Waits until the runner gives this file the broker; at once when run alone. */
export async function brokerTurn(): Promise<void> {
  if (granted || !process.send || !process.channel) {
    granted = true;
    return;
  }
  const channel = process.channel;
  channel.ref();
  try {
    await new Promise<void>((resolve) => {
      const onMessage = (message: unknown) => {
        if ((message as { granted?: unknown }).granted !== true) return;
        process.off("message", onMessage);
        resolve();
      };
      process.on("message", onMessage);
      process.send?.({ turn: true });
    });
  } finally {
    channel.unref();
  }
  granted = true;
  process.env["AMQP_GEN_TEST_NO_BROKER"] = "0";
}

/**
 * Whether this machine has a broker, decided before the file's tests run (to skip its broker
 * tests, with a line, or not). Under the runner this is the runner's own probe at the start of
 * the run: a probe now could fall in another file's broker restart.
 */
export async function brokerPresent(): Promise<true | Error> {
  if (SEEN === "1") return true;
  if (SEEN === "0") return new Error("no broker answered at 127.0.0.1:5672 when the test run began");
  const probe = await probeBroker();
  if (probe instanceof Error) return probe;
  await probe.close().catch(() => undefined);
  return true;
}
