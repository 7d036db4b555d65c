/**
 * npm run build:
 * - dist/app/: the service, compiled by tsc; dist/schema/: the GraphQL schema it reads at start-up
 * - dist/lambda/handler.js: the DELETE Lambda as one minified file (AWS SDK v3 bundled, no Express or Apollo)
 * - dist/lambda.zip: that file and its source map, ready for upload
 */
import { execFileSync } from 'node:child_process';
import { cpSync, createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { ZipFile } from 'yazl';

/** Fixed so the same source gives the same zip, and Terraform's source hash changes only with the code. */
const ZIP_MTIME = new Date('2000-01-01T00:00:00Z');

/**
 * The core's Lambda adapter for GraphQL's deleteItem stays out of the DELETE Lambda: the function deletes through its
 * store, and the adapter would bring the Lambda SDK client with it. createCore loads the adapter only on a delete,
 * which never happens in the function; if it did, this stand-in says why instead of failing obscurely.
 */
const LEFT_OUT: Record<string, string> = {
  './aws/lambda-item-deleter':
    "exports.createLambdaItemDeleter = () => { throw new Error('the DELETE Lambda deletes through its store, not through itself'); };",
  // Likewise the Redis change bus: the function has no CHANGE_BUS_URL (DynamoDB Streams tell the bus of its deletes).
  './changes/redis-change-bus':
    "exports.createRedisChangeBus = () => { throw new Error('the DELETE Lambda publishes no changes itself: DynamoDB Streams do'); };",
};
const withoutServiceOnlyAdapters: Plugin = {
  name: 'without-service-only-adapters',
  setup(build) {
    build.onResolve({ filter: /\/(aws\/lambda-item-deleter|changes\/redis-change-bus)$/ }, (args) => ({ path: args.path, namespace: 'left-out' }));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({ contents: LEFT_OUT[args.path] ?? '', loader: 'js' }));
  },
};

export type Bundle = { handler: string; zip: string; bytes: number; zipBytes: number; inputs: string[] };

/** The DELETE Lambda: `<outdir>/lambda/handler.js` and `<outdir>/lambda.zip`. */
export function bundleLambda(outdir: string): Promise<Bundle> {
  return bundle(outdir, 'lambda', 'handler.ts', [withoutServiceOnlyAdapters]);
}

/** The stream processor (DynamoDB Streams -> the change bus): `<outdir>/stream/handler.js` and `<outdir>/stream.zip`. */
export function bundleStreamLambda(outdir: string): Promise<Bundle> {
  return bundle(outdir, 'stream', 'stream-handler.ts', []);
}

async function bundle(outdir: string, name: string, entry: string, plugins: Plugin[]): Promise<Bundle> {
  const { metafile } = await build({
    entryPoints: [join(__dirname, '..', 'lambda', entry)],
    outfile: join(outdir, name, 'handler.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    // What went into the bundle, file by file: the test asserts no Express or Apollo is among them.
    metafile: true,
    plugins,
  });
  const handler = join(outdir, name, 'handler.js');
  const zip = join(outdir, `${name}.zip`);
  await new Promise<void>((resolve, reject) => {
    const archive = new ZipFile();
    for (const file of ['handler.js', 'handler.js.map']) {
      archive.addBuffer(readFileSync(join(outdir, name, file)), file, { mtime: ZIP_MTIME, mode: 0o100644 });
    }
    archive.end();
    archive.outputStream.pipe(createWriteStream(zip)).on('close', resolve).on('error', reject);
  });
  return { handler, zip, bytes: statSync(handler).size, zipBytes: statSync(zip).size, inputs: Object.keys(metafile.inputs) };
}

const ROOT = join(__dirname, '..');

/**
 * The service as the image runs it, from the sources as they are now: `<outdir>/app/main.js` (tsc), with the schema
 * and the REST contract beside it. Tests that start the production build call it with a folder of their own, so
 * they never run a stale dist/.
 */
export function buildService(outdir: string): void {
  rmSync(outdir, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outdir], { stdio: 'inherit' });
  cpSync(join(ROOT, 'schema'), join(outdir, 'schema'), { recursive: true });
  cpSync(join(ROOT, 'openapi'), join(outdir, 'openapi'), { recursive: true });
}

async function main(): Promise<void> {
  buildService('dist');
  const built = [await bundleLambda('dist'), await bundleStreamLambda('dist')];
  process.stdout.write(
    `built dist/app/main.js\n${built.map((b) => `built ${b.handler} (${(b.bytes / 1024).toFixed(0)} KiB) and ${b.zip} (${(b.zipBytes / 1024).toFixed(0)} KiB)\n`).join('')}`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
