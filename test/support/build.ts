import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildService } from '../../scripts/build';

const ROOT = join(__dirname, '../..');

/**
 * The production build of the sources as they are now, in a folder of its own: `<root>/dist/app/main.js`, as the image
 * holds it. It sits under this checkout's dist/, so the build resolves this checkout's node_modules, and never is
 * dist/ itself: a test never runs a stale `npm run build`, and never replaces one somebody made. `remove` deletes it.
 */
export function freshBuild(): { root: string; remove(): void } {
  const parent = join(ROOT, 'dist', 'test-builds');
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, 'build-'));
  buildService(join(root, 'dist'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
