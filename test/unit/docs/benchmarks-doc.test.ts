import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withResults } from '../../../tools/bench/report';
import type { BenchReport } from '../../../tools/bench/run';

const ROOT = join(__dirname, '..', '..', '..');

describe('docs/benchmarks.md', () => {
  it('shows exactly the results in tools/bench/results.json, as the report code formats them', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8');
    const report = JSON.parse(readFileSync(join(ROOT, 'tools', 'bench', 'results.json'), 'utf8')) as BenchReport;
    expect(withResults(doc, report)).toBe(doc);
  });
});
