/**
 * npm run docs:terraform: writes each module's inputs and outputs into its
 * README.md between the BEGIN_TF_DOCS / END_TF_DOCS markers, from the same
 * HCL parse the Terraform tests use (terraform-docs is not installable here).
 * The Terraform tests fail when a README is stale.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule, moduleDirs, type Module } from './terraform-hcl';

const BEGIN = '<!-- BEGIN_TF_DOCS -->';
const END = '<!-- END_TF_DOCS -->';

const cell = (value: unknown): string => String(value).replace(/\|/g, '\\|').replace(/\n\s*/g, ' ');
const typeOf = (raw: unknown): string => String(raw).replace(/^\$\{(.*)\}$/s, '$1');
const defaultOf = (body: Record<string, unknown>): string => ('default' in body ? `\`${cell(JSON.stringify(body.default))}\`` : 'n/a');

export function renderDocs(mod: Module): string {
  const inputs = Object.entries(mod.variable)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, body]) =>
        `| <a name="input_${name}"></a> [${name}](#input_${name}) | ${cell(body.description)} | \`${cell(typeOf(body.type))}\` | ${defaultOf(body)} | ${'default' in body ? 'no' : 'yes'} |`,
    );
  const outputs = Object.entries(mod.output)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, body]) => `| <a name="output_${name}"></a> [${name}](#output_${name}) | ${cell(body.description)} |`);
  const resources = Object.entries(mod.resource)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `- \`${type}.${name}\``))
    .sort();
  return [
    BEGIN,
    '## Resources',
    '',
    ...resources,
    '',
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Required |',
    '|------|-------------|------|---------|:--------:|',
    ...inputs,
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|------|-------------|',
    ...outputs,
    END,
  ].join('\n');
}

/** The README with its generated part replaced (or appended). */
export function withDocs(readme: string, docs: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) return `${readme.trimEnd()}\n\n${docs}\n`;
  return `${readme.slice(0, start)}${docs}${readme.slice(end + END.length)}`;
}

async function main(): Promise<void> {
  for (const dir of moduleDirs()) {
    const file = join(dir, 'README.md');
    const current = existsSync(file) ? readFileSync(file, 'utf8') : `# ${dir.split('/').pop()}\n`;
    const next = withDocs(current, renderDocs(await loadModule(dir)));
    if (next !== current) {
      writeFileSync(file, next);
      process.stdout.write(`updated ${file}\n`);
    }
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
