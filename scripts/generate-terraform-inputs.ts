/**
 * Writes the files Terraform reads from the code's catalogues, so the infrastructure cannot drift from the code:
 * - terraform/modules/alb/listener-rules.json, from the catalogue of operations (app/wire/operations.ts) and the
 *   error catalogue (the default 404, WAF's 429);
 * - terraform/modules/auth/scopes.json, the Cognito resource server and its scopes (app/core/auth/access.ts).
 * With --check, writes nothing and fails when a file differs (the drift gate `npm run generate:check` runs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESOURCE_SERVER, SCOPE_DESCRIPTIONS } from '../app/core/auth/access';
import { buildListenerRules, LISTENER_RULES_FILE } from '../local/alb-rules';

export const SCOPES_FILE = join(__dirname, '..', 'terraform', 'modules', 'auth', 'scopes.json');

function listenerRulesText(): string {
  const rules = buildListenerRules();
  // One rule a line: the file is read in reviews as a table.
  return `{\n  "description": ${JSON.stringify(rules.description)},\n  "default_action": ${JSON.stringify(rules.default_action)},\n  "rate_limited": ${JSON.stringify(rules.rate_limited)},\n  "rules": [\n${rules.rules.map((rule) => `    ${JSON.stringify(rule)}`).join(',\n')}\n  ]\n}\n`;
}

function scopesText(): string {
  // Cognito names a scope by its part after the resource server: picus/read is scope "read" of server "picus".
  const scopes = Object.fromEntries(Object.entries(SCOPE_DESCRIPTIONS).map(([scope, description]) => [scope.slice(RESOURCE_SERVER.length + 1), description]));
  const description =
    'Generated from app/core/auth/access.ts by `npm run generate` (checked by `npm run generate:check`): do not edit. The Cognito resource server of the API and its scopes, read by terraform/modules/auth (jsondecode).';
  return `${JSON.stringify({ description, identifier: RESOURCE_SERVER, scopes }, null, 2)}\n`;
}

const outputs: [string, string][] = [
  [LISTENER_RULES_FILE, listenerRulesText()],
  [SCOPES_FILE, scopesText()],
];
let stale = 0;
for (const [file, text] of outputs) {
  if (!process.argv.includes('--check')) writeFileSync(file, text);
  else if (readFileSync(file, 'utf8') !== text) {
    process.stderr.write(`${file} differs from the catalogues it is generated from: run npm run generate\n`);
    stale += 1;
  }
}
if (stale > 0) process.exit(1);
