/** Where the runtime's log lines go, and how URLs and error texts are kept free of credentials. */
import type { Logger } from "./types.js";

/** The default logger: one line per event on stderr. */
export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`[amqp] ${m}\n`),
  warn: (m) => process.stderr.write(`[amqp] warning: ${m}\n`),
  error: (m) => process.stderr.write(`[amqp] error: ${m}\n`),
};

/** `amqp://user:secret@host/vhost` → `amqp://user:***@host/vhost`. Never log a URL without it. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//***@");
  }
}

/** Error texts from amqplib can quote the URL: take out anything that looks like credentials. */
function redactText(text: string): string {
  return text.replace(/(amqps?:\/\/[^:/@\s]*):[^@\s]*@/g, "$1:***@");
}

/** An error's message, with anything that looks like credentials taken out. */
export function errorText(err: unknown): string {
  return redactText(err instanceof Error ? err.message : String(err));
}
