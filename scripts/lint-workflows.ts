/**
 * npm run lint:workflows: actionlint over every workflow in .github/workflows;
 * exits non-zero on any finding.
 *
 * actionlint is the Go tool (v1.7.7), built once from the Go module proxy into
 * .tools/bin. The npm package of the same name wraps a 2021 build that knows
 * neither `vars` nor current runner labels, so it cannot judge these workflows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const WORKFLOWS_DIR = join(__dirname, '..', '.github', 'workflows');
const TOOLS_BIN = join(__dirname, '..', '.tools', 'bin');
const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.7';

export interface Finding {
  filepath: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

export function workflowFiles(): string[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(WORKFLOWS_DIR, f));
}

/** The actionlint binary, built into .tools/bin on first use. */
function actionlintBinary(): string {
  const local = join(TOOLS_BIN, 'actionlint');
  if (!existsSync(local)) {
    execFileSync('go', ['install', ACTIONLINT_MODULE], { env: { ...process.env, GOBIN: TOOLS_BIN, GOFLAGS: '-mod=mod' }, stdio: 'inherit' });
  }
  return local;
}

function lintWorkflows(files = workflowFiles()): Finding[] {
  const result = spawnSync(actionlintBinary(), ['-format', '{{json .}}', ...files], { encoding: 'utf8' });
  if (result.error) throw result.error;
  // Exit 1 means findings; anything else is actionlint failing to run.
  if (result.status !== 0 && result.status !== 1) throw new Error(`actionlint failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout || '[]') as Finding[];
}

if (require.main === module) {
  try {
    const findings = lintWorkflows();
    for (const f of findings) process.stdout.write(`${f.filepath}:${f.line}:${f.column}: ${f.message} [${f.kind}]\n`);
    process.stdout.write(`${workflowFiles().length} workflows, ${findings.length} findings\n`);
    process.exit(findings.length === 0 ? 0 : 1);
  } catch (error) {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  }
}
