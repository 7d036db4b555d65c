import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import request from 'supertest';
import { smoke } from '../../scripts/smoke';
import { startLocalStack } from '../support/local-stack';
import { freshBuild } from '../support/build';
import { startServiceProcess } from '../support/processes';
import { startTestCore, type TestCore } from '../support/test-core';

const ROOT = join(__dirname, '..', '..');

/** The stages of the Dockerfile, by name, as lists of instructions. */
function dockerStages(): Map<string, string[]> {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)$/i.exec(line);
    if (from) stages.set(from[1]!, (current = []));
    current?.push(line);
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerStages();
  const runtime = stages.get('runtime')!;

  it('builds every stage FROM the exact node:<.nvmrc>-bookworm-slim tag, written out so Dependabot can bump it', () => {
    expect([...stages.keys()]).toEqual(['build', 'deps', 'runtime']);
    const nvmrc = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
    expect(nvmrc).toMatch(/^24\.\d+\.\d+$/);
    for (const [name, lines] of stages) expect([name, lines[0]]).toEqual([name, `FROM node:${nvmrc}-bookworm-slim AS ${name}`]);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).not.toMatch(/^ARG /m);
  });

  it('runs as node, in production, on port 8000, with a node health check and node as the command', () => {
    expect(runtime).toContain('USER node');
    expect(runtime).toContain('EXPOSE 8000');
    expect(runtime.find((l) => l.startsWith('ENV'))).toContain('NODE_ENV=production');
    expect(runtime).toContain('CMD ["node", "dist/app/main.js"]');
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toContain('CMD ["node", "-e"');
    expect(runtime.join('\n')).not.toMatch(/curl|wget/);
  });

  it("removes every package manager from the runtime stage: npm, npx, corepack and the base image's yarn 1", () => {
    const removal = runtime.find((l) => l.startsWith('RUN rm -rf'))!;
    for (const path of [
      '/usr/local/lib/node_modules/npm',
      '/usr/local/bin/npx',
      '/usr/local/lib/node_modules/corepack',
      '/opt/yarn-v*',
      '/usr/local/bin/yarn',
      '/usr/local/bin/yarnpkg',
    ]) {
      expect([path, removal.includes(path)]).toEqual([path, true]);
    }
  });

  it('copies only production dependencies and the compiled output into the runtime stage', () => {
    const copies = runtime.filter((l) => l.startsWith('COPY'));
    expect(copies).toEqual([
      'COPY --from=deps --chown=node:node /app/node_modules ./node_modules',
      'COPY --from=build --chown=node:node /app/dist/app ./dist/app',
      'COPY --from=build --chown=node:node /app/dist/schema ./dist/schema',
      'COPY --from=build --chown=node:node /app/dist/openapi ./dist/openapi',
      'COPY --chown=node:node package.json ./',
    ]);
    expect(stages.get('deps')!.join('\n')).toContain('npm ci --omit=dev');
  });
});

describe('the runtime stage, replayed without a container engine', () => {
  let t: TestCore;
  let dir: string;
  beforeAll(async () => {
    t = await startTestCore();
    // What the runtime stage holds: production dependencies only, dist/app, dist/schema and dist/openapi, package.json.
    // The dependencies are copied from this checkout's node_modules, the ones npm lists without devDependencies (what
    // `npm ci --omit=dev` installs from the same lock file), so the test needs no registry.
    const build = freshBuild();
    try {
      dir = mkdtempSync(join(tmpdir(), 'picus-runtime-'));
      for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(dir, file));
      const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
      for (const path of production.filter((p) => p !== ROOT)) cpSync(path, join(dir, relative(ROOT, path)), { recursive: true });
      for (const part of ['app', 'schema', 'openapi']) cpSync(join(build.root, 'dist', part), join(dir, 'dist', part), { recursive: true });
    } finally {
      build.remove();
    }
  }, 180_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('starts node dist/app/main.js with production dependencies only, serves REST and GraphQL, and stops on SIGTERM', async () => {
    expect(existsSync(join(dir, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', 'dynalite'))).toBe(false);
    const service = await startServiceProcess(
      { LOG_LEVEL: 'info', DYNAMODB_ENDPOINT: t.endpoint, DYNAMODB_TABLE_NAME: t.core.config.tableName, SHUTDOWN_DELAY_MS: '0' },
      { root: dir },
    );
    try {
      await request(service.url).get('/health').expect(200, { service: 'picus-api', status: 'healthy' });
      const { body } = await request(service.url).post('/picus/put').send({ image: 'runtime' }).expect(201);
      await request(service.url).get(`/picus/get/${body.id}`).expect(200);
      const gql = await request(service.url)
        .post('/graphql')
        .send({ query: `{ item(id: "${body.id}") { data } }` })
        .expect(200);
      expect(gql.body).toEqual({ data: { item: { data: { image: 'runtime' } } } });
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
    expect(service.output()).toContain('"listening"');
  });
});

describe('the smoke test script', () => {
  it('passes against the whole system and leaves nothing behind', async () => {
    const stack = await startLocalStack();
    try {
      const lines: string[] = [];
      await smoke(stack.alb.url, (line) => lines.push(line));
      expect(lines.some((l) => l.startsWith('ok  DELETE'))).toBe(true);
      const left = await stack.t.core.itemService.listPage({ limit: 1000 });
      expect(left.items).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
