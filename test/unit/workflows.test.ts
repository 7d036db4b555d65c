import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { lintWorkflows, workflowFiles } from '../../scripts/lint-workflows';

const workflows = workflowFiles().map((file) => ({ file: basename(file), text: readFileSync(file, 'utf8'), doc: parse(readFileSync(file, 'utf8')) as Record<string, any> }));
const jobsOf = (doc: Record<string, any>) => Object.entries(doc.jobs as Record<string, any>);

describe('GitHub Actions workflows', () => {
  it('has the CI, deploy and Terraform workflows', () => {
    expect(workflows.map((w) => w.file)).toEqual(['ci.yml', 'deploy-ecs.yml', 'deploy-lambda.yml', 'terraform.yml']);
  });

  it('passes actionlint with no finding', () => {
    expect(lintWorkflows()).toEqual([]);
  }, 120_000);

  it.each(workflows.map((w) => [w.file, w] as const))('%s: opens with a comment, denies all permissions at the top, grants per job', (_file, w) => {
    expect(w.text.startsWith('# ')).toBe(true);
    expect(w.doc.permissions).toEqual({});
    for (const [name, job] of jobsOf(w.doc)) expect([name, typeof job.permissions]).toEqual([name, 'object']);
    expect(w.doc.concurrency?.group).toBeTruthy();
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s: pins every action to an exact version', (_file, w) => {
    const uses = jobsOf(w.doc).flatMap(([, job]) => (job.steps ?? []).map((step: { uses?: string }) => step.uses).filter(Boolean)) as string[];
    for (const ref of uses) expect(ref).toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s: uses OIDC, never access keys, and id-token only where AWS is assumed', (_file, w) => {
    expect(w.text).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key|AWS_ACCESS_KEY_ID|aws-access-key-id/);
    for (const [name, job] of jobsOf(w.doc)) {
      const assumes = (job.steps ?? []).filter((s: { uses?: string }) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect([name, job.permissions['id-token'] === 'write']).toEqual([name, assumes.length > 0]);
      for (const step of assumes) expect(step.with['role-to-assume']).toMatch(/^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/);
    }
  });

  it('deploys only behind the protected environment and after the gates', () => {
    for (const file of ['deploy-ecs.yml', 'deploy-lambda.yml']) {
      const { doc } = workflows.find((w) => w.file === file)!;
      expect(doc.jobs.deploy.environment).toBe('production');
      expect(doc.jobs.deploy.needs).toBe('test');
      expect(doc.jobs.test.steps.map((s: { run?: string }) => s.run)).toContain('bash .ci/run');
    }
    const terraform = workflows.find((w) => w.file === 'terraform.yml')!.doc;
    expect(terraform.jobs.apply.environment).toBe('production');
    expect(terraform.jobs.plan.if).toBe("github.event_name == 'pull_request'");
  });

  it('smoke-tests after every deploy and gates the image on CRITICAL findings', () => {
    const ecs = workflows.find((w) => w.file === 'deploy-ecs.yml')!;
    expect(ecs.text).toContain('scripts/smoke.ts');
    expect(ecs.text).toContain('findingSeverityCounts.CRITICAL');
    expect(ecs.text).toContain('cache-to: type=gha,mode=max');
    expect(ecs.text).toContain('platforms: linux/amd64,linux/arm64');
    expect(ecs.text).toContain('aws ecs wait services-stable');
    const lambda = workflows.find((w) => w.file === 'deploy-lambda.yml')!;
    expect(lambda.text).toContain('scripts/smoke.ts');
    expect(lambda.text).toContain('aws deploy wait deployment-successful');
  });
});
