import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbstractLevel } from 'abstract-level';
import { createDocumentClient, destroyDocumentClient } from '../../app/core/aws/dynamodb';
import { loadConfig } from '../../app/core/config';
import { createCore, type Core } from '../../app/core/create-core';
import { ensureItemTable } from '../../local/item-table';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynamo';

/**
 * dynalite 4.0.0 turns LevelDB iterators into streams and, when a stream ends or is cut short (a Scan with Limit),
 * calls iterator.return(), which abstract-level iterators do not have: every Scan and Query left its iterator open
 * (on disk, with its LevelDB snapshot), about 4-11 KB of native memory each, for the life of the process.
 * patches/dynalite+4.0.0.patch (applied by patch-package on npm ci) closes it. Iterators are counted through
 * abstract-level's own resource registry, which every open iterator joins and a closed one leaves.
 */
const open = new Set<object>();
const proto = AbstractLevel.prototype as unknown as { attachResource(r: object): void; detachResource(r: object): void };
const attach = proto.attachResource;
const detach = proto.detachResource;
const openIterators = () => [...open].filter((r) => /Iterator/.test(r.constructor.name)).length;

beforeAll(() => {
  proto.attachResource = function (this: unknown, r: object) {
    open.add(r);
    return attach.call(this, r);
  };
  proto.detachResource = function (this: unknown, r: object) {
    open.delete(r);
    return detach.call(this, r);
  };
});
afterAll(() => {
  proto.attachResource = attach;
  proto.detachResource = detach;
});

describe.each([
  ['in memory', undefined],
  ['on disk (npm start keeps .data/)', 'disk'],
])('the embedded DynamoDB %s', (_name, storage) => {
  let db: EmbeddedDynamo;
  let core: Core;
  let dir: string | undefined;
  let destroy: () => void;

  beforeAll(async () => {
    dir = storage ? mkdtempSync(join(tmpdir(), 'picus-dynalite-')) : undefined;
    db = await startEmbeddedDynamo({ path: dir });
    const config = loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: db.endpoint, DYNAMODB_TABLE_NAME: 'picus-iterators' });
    const doc = createDocumentClient(config);
    destroy = () => destroyDocumentClient(doc);
    await ensureItemTable(config, config.tableName);
    core = createCore(config, { doc });
    for (let i = 0; i < 30; i += 1) await core.itemService.create({ n: i });
  });
  afterAll(async () => {
    destroy();
    await db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('closes the LevelDB iterator of every Scan, cut short by Limit or read to the end', async () => {
    const before = openIterators();
    for (let i = 0; i < 50; i += 1) await core.itemService.listPage({ limit: 5 });
    let streamed = 0;
    for await (const page of core.itemService.scanAll()) streamed += page.length;
    expect(streamed).toBe(30);
    // Closing is asynchronous (abstract-level closes after the read in progress): let it settle.
    for (let i = 0; i < 50 && openIterators() > before; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(openIterators() - before).toBe(0);
  });
});
