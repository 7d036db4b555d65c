import type { SoakReport, SoakSample } from './harness';

/** One line: PASS or FAIL, what was judged, the growth against the bound, requests and failures. */
export function verdict(report: SoakReport, boundMiB: number): string {
  const lost = report.subscriptions?.missing ?? 0;
  const failed = report.failures.length > 0 || report.growth > boundMiB || lost > 0;
  const measured = report.samples.filter((s) => s.phase === 'measure');
  const p99 = Math.max(...measured.map((s) => s.p99));
  return (
    `${failed ? 'FAIL' : 'PASS'} ${report.target}: RSS ${report.rssAfterWarmup.toFixed(1)} -> ${report.rssAtEnd.toFixed(1)} MiB after warm-up ` +
    `(growth ${report.growth.toFixed(1)} MiB, bound ${boundMiB}; peak ${report.peak.toFixed(1)}), ${report.requests} requests, ` +
    `${report.failures.length} failed, worst 5-s p99 ${p99} ms` +
    (report.subscriptions ? `; ${report.subscriptions.subscribers} subscribers x ${report.subscriptions.creates} creates, ${lost} announcements lost` : '')
  );
}

export function toCsv(report: SoakReport): string {
  const labels = Object.keys(report.samples[0]?.rss ?? {});
  const header = ['t_s', 'phase', ...labels.map((l) => `rss_mib_${l.replace(/\W+/g, '_')}`), 'requests', 'rps', 'p50_ms', 'p99_ms', 'failures'];
  const rows = report.samples.map((s) => [s.t, s.phase, ...labels.map((l) => s.rss[l]), s.requests, s.rps, s.p50, s.p99, s.failures].join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface Series {
  label: string;
  values: number[];
}

/** One panel: a titled plot of several series over the samples' times, with its y range and the warm-up shaded. */
function panel(top: number, title: string, unit: string, samples: SoakSample[], series: Series[]): string {
  const left = 70;
  const width = 760;
  const height = 150;
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const yMax = Math.max(1, ...series.flatMap((s) => s.values)) * 1.1;
  const x = (t: number) => left + (t / tMax) * width;
  const y = (v: number) => top + height - (v / yMax) * height;
  const warmupEnd = samples.filter((s) => s.phase === 'warmup').at(-1)?.t ?? 0;
  const lines = series.map(
    (s, i) =>
      `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${s.values.map((v, j) => `${x(samples[j]!.t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>` +
      `<text x="${left + width - 180}" y="${top + 14 + i * 14}" font-size="11" fill="${COLORS[i % COLORS.length]}">${esc(s.label)}</text>`,
  );
  const ticks = [0, 0.5, 1].map((f) => `<text x="${left - 6}" y="${y(f * yMax) + 4}" font-size="10" text-anchor="end">${Math.round(f * yMax)}</text>`);
  return [
    `<text x="${left}" y="${top - 6}" font-size="13" font-weight="bold">${esc(title)} (${unit})</text>`,
    `<rect x="${left}" y="${top}" width="${x(warmupEnd) - left}" height="${height}" fill="#eee"/>`,
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`,
    ...ticks,
    ...lines,
  ].join('\n');
}

/** RSS of each process, requests per second, and p50/p99 latency over time, as an SVG (warm-up shaded). */
export function renderChart(report: SoakReport, boundMiB: number): string {
  const samples = report.samples;
  const labels = Object.keys(samples[0]?.rss ?? {});
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const body = [
    panel(
      50,
      'RSS',
      'MiB',
      samples,
      labels.map((l) => ({ label: l, values: samples.map((s) => s.rss[l] ?? 0) })),
    ),
    panel(250, 'Throughput', 'requests/s', samples, [{ label: 'requests/s', values: samples.map((s) => s.rps) }]),
    panel(450, 'Latency', 'ms', samples, [
      { label: 'p50', values: samples.map((s) => s.p50) },
      { label: 'p99', values: samples.map((s) => s.p99) },
    ]),
    `<text x="70" y="630" font-size="11">0 s … ${tMax} s; grey: warm-up</text>`,
    // The verdict in two lines: what passed or failed, then the figures.
    ...verdict(report, boundMiB)
      .replace(/^(\w+) [^:]+: /, '$1: ')
      .split(/, (?=\d+ requests)/)
      .map((line, i) => `<text x="70" y="${650 + i * 15}" font-size="12">${esc(line)}</text>`),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="690" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n<text x="70" y="24" font-size="15" font-weight="bold">${esc(report.target)}</text>\n${body.join('\n')}\n</svg>\n`;
}
