/** An SVG chart of CLI generation time against route count: amqp-gen and its baseline, log-log. */
import type { GenerationFigure } from "./generate.js";

export function renderChart(figures: readonly GenerationFigure[]): string {
  const W = 640;
  const H = 400;
  const pad = { left: 70, right: 20, top: 40, bottom: 50 };
  const xs = figures.map((f) => f.routes);
  const ys = figures.flatMap((f) => [f.amqpGenMs, f.baselineMs]);
  const lx = (v: number) => Math.log10(v);
  const [x0, x1] = [lx(Math.min(...xs)), lx(Math.max(...xs))];
  const [y0, y1] = [Math.floor(lx(Math.min(...ys))), Math.ceil(lx(Math.max(...ys)))];
  const px = (v: number) => pad.left + ((lx(v) - x0) / (x1 - x0 || 1)) * (W - pad.left - pad.right);
  const py = (v: number) => H - pad.bottom - ((lx(v) - y0) / (y1 - y0 || 1)) * (H - pad.top - pad.bottom);
  const line = (key: "amqpGenMs" | "baselineMs", colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${figures.map((f) => `${px(f.routes).toFixed(1)},${py(f[key]).toFixed(1)}`).join(" ")}"/>` +
    figures
      .map(
        (f) =>
          `<circle cx="${px(f.routes).toFixed(1)}" cy="${py(f[key]).toFixed(1)}" r="4" fill="${colour}"><title>${f.routes} routes: ${f[key].toFixed(0)} ms</title></circle>`,
      )
      .join("");
  const yTicks: string[] = [];
  for (let e = y0; e <= y1; e++) {
    const v = 10 ** e;
    yTicks.push(
      `<line x1="${pad.left}" x2="${W - pad.right}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/><text x="${pad.left - 8}" y="${py(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`,
    );
  }
  const xTicks = xs.map((v) => `<text x="${px(v)}" y="${H - pad.bottom + 20}" text-anchor="middle">${v.toLocaleString("en")}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    "<title>CLI generation time against producer routes: amqp-gen and a baseline that only writes the same files</title>",
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">CLI generation time (median, process start to exit)</text>`,
    ...yTicks,
    ...xTicks,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">producer routes (log scale)</text>`,
    line("baselineMs", "#999"),
    line("amqpGenMs", "#d9480f"),
    `<rect x="${pad.left + 12}" y="${pad.top + 4}" width="12" height="12" fill="#d9480f"/><text x="${pad.left + 30}" y="${pad.top + 14}">amqp-gen</text>`,
    `<rect x="${pad.left + 12}" y="${pad.top + 22}" width="12" height="12" fill="#999"/><text x="${pad.left + 30}" y="${pad.top + 32}">baseline: read the config, write the same bytes</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
