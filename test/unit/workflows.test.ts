import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { workflowFiles } from '../../scripts/lint-workflows';
import { loadModule, TERRAFORM_DIR } from '../../scripts/terraform-hcl';

const ROOT = join(__dirname, '..', '..');
const workflows = workflowFiles().map((file) => ({ file: basename(file), text: readFileSync(file, 'utf8'), doc: parse(readFileSync(file, 'utf8')) as Record<string, any> }));
const workflow = (file: string) => workflows.find((w) => w.file === file)!;
const jobsOf = (doc: Record<string, any>) => Object.entries(doc.jobs as Record<string, any>);
const stepsOf = (doc: Record<string, any>) => jobsOf(doc).flatMap(([, job]) => (job.steps ?? []) as Record<string, any>[]);
const assumes = (job: Record<string, any>) => (job.steps ?? []).filter((s: { uses?: string }) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
const calledWorkflow = (job: Record<string, any>) => (typeof job.uses === 'string' && job.uses.startsWith('./') ? workflow(basename(job.uses)) : undefined);
const script = (name: string, args: string[], input?: string) => execFileSync('bash', [join(ROOT, 'scripts/deploy', name), ...args], { input, encoding: 'utf8' }).trim();

describe('GitHub Actions workflows', () => {
  it('has the gate, the release chain, its two deploys and the Terraform workflow', () => {
    expect(workflows.map((w) => w.file)).toEqual(['ci.yml', 'deploy-ecs.yml', 'deploy-lambda.yml', 'release.yml', 'terraform.yml']);
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s: opens with a comment, denies all permissions at the top, grants per job', (_file, w) => {
    expect(w.text.startsWith('# ')).toBe(true);
    expect(w.doc.permissions).toEqual({});
    for (const [name, job] of jobsOf(w.doc)) expect([name, typeof job.permissions]).toEqual([name, 'object']);
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s: pins every third-party action by full commit SHA with its version in a comment', (_file, w) => {
    const lines = w.text.split('\n').filter((line) => /^\s*-?\s*uses:\s/.test(line) && !/uses:\s*\.\//.test(line));
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('pins the same SHA for each action version everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const w of workflows) {
      for (const [, action, sha, version] of w.text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[\d.]+)/g)) {
        (pins.get(`${action}@${version}`) ?? pins.set(`${action}@${version}`, new Set()).get(`${action}@${version}`)!).add(sha!);
      }
    }
    expect(pins.size).toBeGreaterThan(5);
    for (const [key, shas] of pins) expect([key, shas.size]).toEqual([key, 1]);
  });

  it.each(workflows.map((w) => [w.file, w] as const))('%s: uses OIDC, never access keys, and id-token only where AWS is assumed', (_file, w) => {
    expect(w.text).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key|AWS_ACCESS_KEY_ID|aws-access-key-id/);
    for (const [name, job] of jobsOf(w.doc)) {
      const called = calledWorkflow(job);
      const needsToken = called ? jobsOf(called.doc).some(([, inner]) => assumes(inner).length > 0) : assumes(job).length > 0;
      expect([name, job.permissions['id-token'] === 'write']).toEqual([name, needsToken]);
      for (const step of assumes(job)) expect(step.with['role-to-assume']).toMatch(/^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/);
    }
  });
});

describe('Workflows: no pull request holds write access to AWS', () => {
  it('plans with the read-only plan role and -lock=false, and has no workflow-wide concurrency group', () => {
    const { doc, text } = workflow('terraform.yml');
    expect(doc.concurrency).toBeUndefined();
    const plan = doc.jobs.plan;
    expect(plan.environment).toBeUndefined();
    expect(assumes(plan).map((s: any) => s.with['role-to-assume'])).toEqual(['${{ vars.AWS_TERRAFORM_PLAN_ROLE_ARN }}']);
    expect(text).toContain('-lock=false');
    expect(plan.concurrency.group).toContain('github.event.pull_request.number');
    // The pull-request comment runs in a job of its own, with no AWS credentials.
    expect(doc.jobs.comment.permissions).toEqual({ 'pull-requests': 'write' });
    expect(assumes(doc.jobs.comment)).toEqual([]);
  });

  it('applies only from the production environment with the apply role, exactly the uploaded plan', () => {
    const { doc } = workflow('terraform.yml');
    const apply = doc.jobs.apply;
    expect(apply.environment).toBe('production');
    expect(apply.needs).toBe('plan');
    expect(apply.if).toContain("github.event_name != 'pull_request'");
    expect(apply.if).toContain("needs.plan.outputs.changed == 'true'");
    expect(apply.concurrency).toEqual({ group: 'production', 'cancel-in-progress': false });
    expect(assumes(apply).map((s: any) => s.with['role-to-assume'])).toEqual(['${{ vars.AWS_TERRAFORM_APPLY_ROLE_ARN }}']);
    const run = apply.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(run).toContain('terraform apply tfplan');
    expect(run).not.toMatch(/terraform plan/);
    expect(apply.steps.filter((s: any) => s.uses?.startsWith('actions/download-artifact@')).map((s: any) => s.with.name)).toEqual(['lambda-zip', 'terraform-plan']);
    const upload = doc.jobs.plan.steps.find((s: any) => s.with?.name === 'terraform-plan');
    expect(upload.with.path).toContain('terraform/tfplan');
    expect(upload.with.path).toContain('terraform/.terraform.lock.hcl');
  });

  it('assumes the deploy role only in jobs of the production environment', () => {
    for (const w of workflows) {
      for (const [name, job] of jobsOf(w.doc)) {
        for (const step of assumes(job)) {
          if (step.with['role-to-assume'].includes('PLAN_ROLE')) continue;
          expect([w.file, name, job.environment]).toEqual([w.file, name, 'production']);
        }
      }
    }
  });
});

describe('Workflows: one gate, one order, one production lane', () => {
  it('runs .ci/run in one workflow only, which release.yml calls before anything deploys', () => {
    const running = workflows.filter((w) => stepsOf(w.doc).some((s) => s.run === 'bash .ci/run')).map((w) => w.file);
    expect(running).toEqual(['ci.yml']);
    expect(workflow('ci.yml').doc.on).toHaveProperty('workflow_call');
    const release = workflow('release.yml').doc;
    expect(release.on.push.branches).toEqual(['main']);
    expect(release.jobs.gate.uses).toBe('./.github/workflows/ci.yml');
    expect(release.jobs.terraform).toMatchObject({ uses: './.github/workflows/terraform.yml', needs: 'gate' });
    expect(release.jobs.ecs).toMatchObject({ uses: './.github/workflows/deploy-ecs.yml', needs: ['gate', 'terraform'] });
    expect(release.jobs.lambda).toMatchObject({ uses: './.github/workflows/deploy-lambda.yml', needs: ['gate', 'terraform'] });
    expect(release.concurrency).toEqual({ group: 'release-main', 'cancel-in-progress': false });
    for (const file of ['deploy-ecs.yml', 'deploy-lambda.yml', 'terraform.yml']) expect([file, workflow(file).doc.on.push]).toEqual([file, undefined]);
  });

  it('deploys the Lambda bundle the gate built and tested', () => {
    const upload = stepsOf(workflow('ci.yml').doc).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload!.with).toMatchObject({ name: 'lambda-zip', path: 'dist/lambda.zip' });
    const download = workflow('deploy-lambda.yml').doc.jobs.deploy.steps.find((s: any) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download.with.name).toBe('lambda-zip');
    expect(download.if).toBe("github.event_name != 'workflow_dispatch'");
  });

  it('puts every job that changes production in the production concurrency group, behind the environment', () => {
    const changing = [
      ['terraform.yml', 'apply'],
      ['deploy-ecs.yml', 'deploy'],
      ['deploy-lambda.yml', 'deploy'],
    ];
    for (const [file, name] of changing) {
      const job = workflow(file!).doc.jobs[name!];
      expect([file, job.environment, job.concurrency]).toEqual([file, 'production', { group: 'production', 'cancel-in-progress': false }]);
    }
  });
});

describe('Workflows: the ECS deploy tells the truth', () => {
  const { doc, text } = workflow('deploy-ecs.yml');
  const deploy = doc.jobs.deploy;

  it('builds one platform natively, on the runner of the architecture Terraform declares, without QEMU', async () => {
    expect(text).not.toContain('setup-qemu-action');
    expect(deploy['runs-on']).toBe('${{ needs.architecture.outputs.runner }}');
    const build = deploy.steps.find((s: any) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build.with.platforms).toBe('${{ needs.architecture.outputs.platform }}');
    expect(build.if).toBe("steps.image.outputs.exists == 'false'");
    const root = await loadModule(TERRAFORM_DIR);
    const declared = root.variable.cpu_architecture!.default;
    expect(script('architecture.sh', ['prod']).split('\n')).toContain(`arch=${declared}`);
    expect(script('architecture.sh', ['prod'])).toContain(declared === 'arm64' ? 'runner=ubuntu-24.04-arm' : 'runner=ubuntu-24.04');
  });

  it('waits for and reads the scan by image digest', () => {
    expect(text).toContain('aws ecr wait image-scan-complete --repository-name "$ECR_REPOSITORY" --image-id imageDigest="$digest"');
    expect(text).toContain('describe-image-scan-findings --repository-name "$ECR_REPOSITORY" --image-id imageDigest="$digest"');
    expect(text).toContain('findingSeverityCounts.CRITICAL');
  });

  it('waits for the new task definition to be PRIMARY and COMPLETED, never for services-stable', () => {
    expect(text).not.toContain('services-stable');
    expect(text).toContain('bash scripts/deploy/ecs-rollout.sh wait "$ECS_CLUSTER" "$ECS_SERVICE" "$arn"');
  });

  it('rolls back to the previous task definition when the smoke test fails', () => {
    const rollback = deploy.steps.find((s: any) => (s.run ?? '').includes('$PREVIOUS'));
    expect(rollback.if).toBe("failure() && steps.smoke.outcome == 'failure'");
    expect(rollback.run).toContain('update-service');
  });

  it('tags images by the sources they are built from, exactly the files .dockerignore lets in', () => {
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/\*\*$/, ''));
    const inputs = script('image-tag.sh', ['--inputs']).split('\n');
    expect(inputs.filter((i) => i !== 'Dockerfile' && i !== '.dockerignore').sort()).toEqual(allowed.sort());
    expect(script('image-tag.sh', [])).toMatch(/^src-[0-9a-f]{24}$/);
  });
});

describe('scripts/deploy/ecs-rollout.sh', () => {
  const state = (deployments: unknown[]) => script('ecs-rollout.sh', ['state', 'arn:td:7'], JSON.stringify({ services: [{ deployments }] }));

  it('is COMPLETED only when the PRIMARY deployment runs the new task definition and stands alone', () => {
    expect(state([{ status: 'PRIMARY', taskDefinition: 'arn:td:7', rolloutState: 'COMPLETED' }])).toBe('COMPLETED');
  });

  it('is IN_PROGRESS while the old deployment still drains', () => {
    expect(
      state([
        { status: 'PRIMARY', taskDefinition: 'arn:td:7', rolloutState: 'IN_PROGRESS' },
        { status: 'ACTIVE', taskDefinition: 'arn:td:6', rolloutState: 'COMPLETED' },
      ]),
    ).toBe('IN_PROGRESS');
  });

  it('is FAILED when the circuit breaker rolled back to another task definition, even if that one is COMPLETED', () => {
    expect(state([{ status: 'PRIMARY', taskDefinition: 'arn:td:6', rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment circuit breaker: rolled back' }])).toBe(
      'FAILED: rolled back, PRIMARY runs arn:td:6 (ECS deployment circuit breaker: rolled back)',
    );
  });

  it('is FAILED with the reason ECS gives when the rollout fails', () => {
    expect(state([{ status: 'PRIMARY', taskDefinition: 'arn:td:7', rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' }])).toBe('FAILED: tasks failed to start');
  });
});

describe('Workflows: the Lambda deploy tells the truth', () => {
  it('moves live back to the version it served when the smoke test fails', () => {
    const deploy = workflow('deploy-lambda.yml').doc.jobs.deploy;
    const rollback = deploy.steps.find((s: any) => (s.run ?? '').includes('update-alias'));
    expect(rollback.if).toBe("failure() && steps.smoke.outcome == 'failure'");
    expect(rollback.run).toContain('--function-version "$CURRENT"');
    expect(workflow('deploy-lambda.yml').text).toContain('aws deploy wait deployment-successful');
  });

  it('sets up the Node.js of .nvmrc in every job that sets one up (the image and the Lambda run that major)', () => {
    const setups = workflows.flatMap(({ file, doc }) => stepsOf(doc).filter((step) => String(step.uses ?? '').startsWith('actions/setup-node@')).map((step) => [file, step.with]));
    expect(setups.length).toBeGreaterThan(0);
    for (const [file, options] of setups) expect([file, options]).toEqual([file, expect.objectContaining({ 'node-version-file': '.nvmrc' })]);
  });
});
