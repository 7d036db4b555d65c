/**
 * Writes terraform/modules/alb/listener-rules.json from the catalogue of operations (app/wire/operations.ts);
 * with --check, writes nothing and fails when the file differs (the drift gate `npm run generate:check` runs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildListenerRules, LISTENER_RULES_FILE } from '../local/alb-rules';

const rules = buildListenerRules();
// One rule a line: the file is read in reviews as a table.
const text = `{\n  "description": ${JSON.stringify(rules.description)},\n  "default_action": ${JSON.stringify(rules.default_action)},\n  "rate_limited": ${JSON.stringify(rules.rate_limited)},\n  "rules": [\n${rules.rules.map((rule) => `    ${JSON.stringify(rule)}`).join(',\n')}\n  ]\n}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(LISTENER_RULES_FILE, 'utf8') !== text) {
    process.stderr.write(`${LISTENER_RULES_FILE} differs from the catalogue (app/wire/operations.ts): run npm run generate\n`);
    process.exit(1);
  }
} else {
  writeFileSync(LISTENER_RULES_FILE, text);
}
