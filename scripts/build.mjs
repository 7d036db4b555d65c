// npm run build: compile the service to dist/ and copy the GraphQL schema beside it
// (dist/app/graphql reads ../../schema, which is dist/schema).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('schema', 'dist/schema', { recursive: true });
console.log('built dist/app/server.js');
