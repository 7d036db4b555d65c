// jest-circus reads `testTimeout` from the global config only, so a project's own
// value would be ignored; each project sets its limit through `globals.testTimeoutMs`.
declare const testTimeoutMs: number | undefined;
if (typeof testTimeoutMs === 'number') jest.setTimeout(testTimeoutMs);
