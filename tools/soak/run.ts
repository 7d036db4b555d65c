/**
 * npm run soak: the soak harness for as long as you like, with a CSV and a chart.
 *   SOAK_MINUTES=30 (default) of measured load after SOAK_WARMUP_MINUTES=1 of warm-up, at SOAK_RATE=50 req/s,
 *   against SOAK_TARGET=npm-start (default), service (the production build alone) or both.
 * Writes dist/soak/<target>.csv and dist/soak/<target>.svg and prints one verdict line per target; exits 1 when a
 * request failed or the RSS after warm-up grew by more than SOAK_BOUND_MIB (default 48).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { soak, startServiceAlone, startWholeSystem, type SoakReport } from './harness';
import { renderChart, toCsv, verdict } from './report';

const minutes = (name: string, fallback: number) => Number(process.env[name] ?? fallback) * 60_000;

async function main(): Promise<void> {
  const targets = (process.env.SOAK_TARGET ?? 'npm-start') === 'both' ? ['npm-start', 'service'] : [process.env.SOAK_TARGET ?? 'npm-start'];
  const bound = Number(process.env.SOAK_BOUND_MIB ?? 48);
  const out = join(__dirname, '../../dist/soak');
  mkdirSync(out, { recursive: true });
  let ok = true;
  for (const name of targets) {
    const target = name === 'service' ? await startServiceAlone() : await startWholeSystem();
    let report: SoakReport;
    try {
      report = await soak(target, {
        warmupMs: minutes('SOAK_WARMUP_MINUTES', 1),
        measureMs: minutes('SOAK_MINUTES', 30),
        rate: Number(process.env.SOAK_RATE ?? 50),
        sampleMs: Number(process.env.SOAK_SAMPLE_SECONDS ?? 5) * 1000,
        onSample: (s) =>
          process.stdout.write(
            `${s.t}s ${s.phase} ${Object.entries(s.rss)
              .map(([k, v]) => `${k} ${v} MiB`)
              .join(', ')} ${s.rps} req/s p50 ${s.p50} ms p99 ${s.p99} ms failures ${s.failures}\n`,
          ),
      });
    } finally {
      await target.stop();
    }
    writeFileSync(join(out, `${name}.csv`), toCsv(report));
    writeFileSync(join(out, `${name}.svg`), renderChart(report, bound));
    const line = verdict(report, bound);
    ok &&= line.startsWith('PASS');
    process.stdout.write(`${line}\n  ${join(out, `${name}.csv`)}\n  ${join(out, `${name}.svg`)}\n`);
  }
  process.exit(ok ? 0 : 1);
}

void main();
