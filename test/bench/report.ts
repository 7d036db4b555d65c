import type { BenchReport } from './run';

const fixed = (value: number, digits = 0): string => value.toFixed(digits);
const calls = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([op, n]) => `${n} ${op}`)
    .join(', ') || '0';

/** The benchmark's results as the Markdown the README shows. */
export function formatReport(report: BenchReport): string {
  const { machine, settings, list, coldStart, coldStartWithAuth, batching } = report;
  const lines = [
    `Measured ${report.date.slice(0, 10)} on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.dynamodb}; ` +
      `median of ${settings.rounds} rounds, ${settings.connections} connections, ${settings.secondsPerRun} s per run (DELETE: ${settings.deletesPerRun} requests per run)` +
      `${machine.pinned ? '; servers on one core, load generator and dynalite on the other' : ''}; servers run with NODE_OPTIONS=${report.nodeOptions}, as on ECS.`,
    '',
    'Throughput: each side alone, as fast as it answers (autocannon). Latency, CPU time of the server process per request and DynamoDB calls: both sides at once, paced at one fixed rate; "CPU × floor" is the median of the ratios measured side by side in each round.',
    '',
    '| Scenario | Floor: the same DynamoDB call in bare `node:http` | Max req/s ours / floor | Fixed rate, req/s | p50 ms ours / floor | p99 ms ours / floor | CPU µs per request ours / floor | CPU × floor | DynamoDB calls per request |',
    '|---|---|---|---|---|---|---|---|---|',
    ...report.scenarios.map(
      (s) =>
        `| ${s.name} | ${s.floorLabel} | ${fixed(s.ours.rps)} / ${fixed(s.floor.rps)} | ${fixed(s.rate)} | ${fixed(s.ours.p50Ms, 1)} / ${fixed(s.floor.p50Ms, 1)} | ` +
        `${fixed(s.ours.p99Ms, 1)} / ${fixed(s.floor.p99Ms, 1)} | ${fixed(s.ours.cpuUsPerRequest)} / ${fixed(s.floor.cpuUsPerRequest)} | ${fixed(s.cpuRatio, 2)} | ${calls(s.ours.dynamoCallsPerRequest)} |`,
    ),
    '',
    ...(list
      ? [
          `| Whole table, ${list.items.toLocaleString('en-US')} items | Seconds | Items per second | Peak RSS growth of the service |`,
          '|---|---|---|---|',
          `| \`GET /picus/list\` (streamed JSON) | ${fixed(list.ours.seconds, 2)} | ${fixed(list.ours.itemsPerSecond)} | ${fixed(list.ours.peakRssGrowthMiB, 1)} MiB |`,
          `| Floor: plain paginated Scan loop | ${fixed(list.floor.seconds, 2)} | ${fixed(list.floor.itemsPerSecond)} | |`,
          '',
        ]
      : []),
    ...(coldStart
      ? [
          `Lambda cold start (new process to first DELETE response, ${coldStart.runs} runs): median ${fixed(coldStart.medianMs)} ms (min ${fixed(coldStart.minMs)}, max ${fixed(coldStart.maxMs)}); ` +
            `bundle ${fixed(coldStart.bundleBytes / 1024)} KiB, zip ${fixed(coldStart.zipBytes / 1024)} KiB.` +
            (coldStartWithAuth
              ? ` With a token to verify (the JWKS fetched from a local issuer on that first request): median ${fixed(coldStartWithAuth.medianMs)} ms (min ${fixed(coldStartWithAuth.minMs)}, max ${fixed(coldStartWithAuth.maxMs)}).`
              : ''),
          '',
        ]
      : []),
    ...(batching
      ? [
          `DynamoDB calls for one request: ${Object.entries(batching)
            .map(([name, counts]) => `${name}: ${calls(counts)}`)
            .join('; ')}.`,
          '',
        ]
      : []),
    `Failed requests in all runs: ${report.failedRequests}.`,
    '',
    '| Target | Measured | Met |',
    '|---|---|---|',
    ...report.targets.map((t) => `| ${t.name} | ${fixed(t.value, 2)} | ${t.met ? 'yes' : '**no**'} |`),
    '',
  ];
  return lines.join('\n');
}
