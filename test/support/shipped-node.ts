import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The test each tier has: it runs on the Node.js major the project ships (.nvmrc: the image's FROM, the Lambda's
 * nodejs24.x), so a green run says something about production. .ci/run puts that Node.js first on PATH
 * (scripts/shipped-node.sh); run elsewhere, the tier fails here, naming both versions.
 */
export function testsShippedNodeMajor(tier: string): void {
  it(`runs the ${tier} tier on the Node.js major of .nvmrc`, () => {
    const shipped = readFileSync(join(__dirname, '..', '..', '.nvmrc'), 'utf8').trim();
    expect({ tier, major: process.versions.node.split('.')[0] }).toEqual({ tier, major: shipped.split('.')[0] });
  });
}
