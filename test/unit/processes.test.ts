/**
 * What a test or tool starts, it stops whole. Two shapes keep that true, held here over every source file:
 * - TypeScript starts node itself (process.execPath, or fork of a .js file) or a server that is one process
 *   (redis-server), never a wrapper (npx, npm, the tsx binary) that runs the real process as a second one a kill of
 *   the wrapper would leave behind;
 * - shell scripts start background processes with setsid, so their cleanup can signal the whole group.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === '__generated__' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? files(path, suffix) : path.endsWith(suffix) ? [path] : [];
  });
}

describe('processes a test or tool starts', () => {
  const sources = ['app', 'lambda', 'local', 'scripts', 'test', 'tools'].flatMap((dir) => files(join(ROOT, dir), '.ts')).filter((file) => file !== __filename);

  it('are started as node itself from TypeScript (spawn(process.execPath, ...), fork(<file>.js)) or as a one-process server, never npx, npm or tsx', () => {
    const starts = sources.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/\b(spawn|fork)\(\s*([^,)]+)/g)].map((m) => [relative(ROOT, file), m[1], m[2]!.trim()]);
    });
    expect(starts.length).toBeGreaterThan(3);
    for (const [file, call, command] of starts) {
      const node = call === 'spawn' ? ['process.execPath', "'redis-server'"].includes(command!) : /^join\(/.test(command!);
      expect([file, call, command, node]).toEqual([file, call, command, true]);
    }
  });

  it('run in the background of a shell script only under setsid, and are stopped as a group', () => {
    const scripts = [...files(join(ROOT, 'scripts'), '.sh'), join(ROOT, '.ci', 'run')];
    const background = scripts.flatMap((file) =>
      readFileSync(file, 'utf8')
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .filter((line) => /[^&]&\s*$/.test(line) && !line.trim().startsWith('#'))
        .map((line) => [relative(ROOT, file), line.trim()]),
    );
    expect(background.length).toBeGreaterThan(0);
    for (const [file, line] of background) expect([file, /(^|\s)setsid\s/.test(line!)]).toEqual([file, true]);
    for (const [file] of background) expect([file, /kill -- "?-\$/.test(readFileSync(join(ROOT, file!), 'utf8'))]).toEqual([file, true]);
  });
});
