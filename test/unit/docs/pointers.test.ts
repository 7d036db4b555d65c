/**
 * Pointers that point somewhere: every path of this repository that a comment, a document, a workflow or a script
 * names (app/…, test/…, docs/…, terraform/…) exists. A file that moves or goes leaves no reference behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const PATH = /(?<![\w/.-])((?:app|lambda|local|scripts|test|tools|docs|terraform|openapi|schema|\.github|\.ci)\/[\w./{}*<>-]*\w)/g;
/** Files a workflow writes while it runs (the plan and its text), named by the workflow before they exist. */
const MADE_AT_RUN_TIME = new Set(['terraform/tfplan', 'terraform/plan.txt']);

describe('paths named in the repository', () => {
  it('all exist (a TypeScript module named without its extension counts as its .ts file)', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => /\.(ts|md|yml|yaml|tf|sh|js|mjs)$|^\.ci\/run$/.test(file) && !file.includes('__generated__'));
    const dangling: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(PATH)) {
        const path = match[1]!.replace(/\.$/, '');
        if (/[{}*<>]/.test(path) || MADE_AT_RUN_TIME.has(path)) continue;
        if (!existsSync(join(ROOT, path)) && !existsSync(join(ROOT, `${path}.ts`))) dangling.push(`${file} -> ${path}`);
      }
    }
    expect(dangling).toEqual([]);
  });
});
