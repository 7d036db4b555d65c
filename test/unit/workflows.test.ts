import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { workflowFiles } from '../../scripts/lint-workflows';
import { loadModule, TERRAFORM_DIR } from '../../scripts/terraform-hcl';

const ROOT = join(__dirname, '..', '..');
const workflows = workflowFiles().map((file) => ({
  file: basename(file),
  text: readFileSync(file, 'utf8'),
  doc: parse(readFileSync(file, 'utf8')) as Record<string, any>,
}));
const workflow = (file: string) => workflows.find((w) => w.file === file)!;
const jobsOf = (doc: Record<string, any>) => Object.entries(doc.jobs as Record<string, any>);
const stepsOf = (doc: Record<string, any>) => jobsOf(doc).flatMap(([, job]) => (job.steps ?? []) as Record<string, any>[]);
const assumes = (job: Record<string, any>) => (job.steps ?? []).filter((s: { uses?: string }) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
const calledWorkflow = (job: Record<string, any>) => (typeof job.uses === 'string' && job.uses.startsWith('./') ? workflow(basename(job.uses)) : undefined);
const script = (name: string, args: string[], input?: string) =>
  execFileSync('bash', [join(ROOT, 'scripts/deploy', name), ...args], { input, encoding: 'utf8' }).trim();

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
    // A pull request assumes its own plan role (no data, no app client), main its; never one for the other.
    expect(assumes(plan).map((s: any) => [s.if, s.with['role-to-assume']])).toEqual([
      ["github.event_name == 'pull_request'", '${{ vars.AWS_TERRAFORM_PR_PLAN_ROLE_ARN }}'],
      ["github.event_name != 'pull_request'", '${{ vars.AWS_TERRAFORM_PLAN_ROLE_ARN }}'],
    ]);
    expect(text).toContain('-lock=false');
    expect(plan.concurrency.group).toContain('github.event.pull_request.number');
    // The pull-request comment runs in a job of its own, with no AWS credentials.
    expect(doc.jobs.comment.permissions).toEqual({ 'pull-requests': 'write' });
    expect(assumes(doc.jobs.comment)).toEqual([]);
  });

  it('applies only from the production-infrastructure environment with the apply role, exactly the uploaded plan', () => {
    const { doc } = workflow('terraform.yml');
    const apply = doc.jobs.apply;
    expect(apply.environment).toBe('production-infrastructure');
    expect(apply.needs).toBe('plan');
    expect(apply.if).toContain("github.event_name != 'pull_request'");
    expect(apply.if).toContain("needs.plan.outputs.changed == 'true'");
    expect(apply.concurrency).toEqual({ group: 'production', 'cancel-in-progress': false });
    expect(assumes(apply).map((s: any) => s.with['role-to-assume'])).toEqual(['${{ vars.AWS_TERRAFORM_APPLY_ROLE_ARN }}']);
    const run = apply.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(run).toContain('terraform apply tfplan');
    expect(run).not.toMatch(/terraform plan/);
    expect(apply.steps.filter((s: any) => s.uses?.startsWith('actions/download-artifact@')).map((s: any) => s.with.name)).toEqual([
      'lambda-zip',
      'terraform-plan',
    ]);
    const upload = doc.jobs.plan.steps.find((s: any) => s.with?.name === 'terraform-plan');
    expect(upload.with.path).toContain('terraform/tfplan');
    expect(upload.with.path).toContain('terraform/.terraform.lock.hcl');
  });

  it('assumes the deploy role only in jobs of the production environment, the apply role only in production-infrastructure', () => {
    for (const w of workflows) {
      for (const [name, job] of jobsOf(w.doc)) {
        for (const step of assumes(job)) {
          const role = step.with['role-to-assume'];
          if (role.includes('PLAN_ROLE')) continue;
          expect([w.file, name, job.environment]).toEqual([w.file, name, role.includes('APPLY_ROLE') ? 'production-infrastructure' : 'production']);
        }
      }
    }
  });

  it('checks, first thing in every job of an environment, that the environment has a required reviewer and limited branches', () => {
    for (const w of workflows) {
      for (const [name, job] of jobsOf(w.doc)) {
        if (!job.environment) continue;
        const check = job.steps.findIndex((s: any) => s.run === `bash scripts/deploy/environment-protected.sh ${job.environment}`);
        const firstAws = job.steps.findIndex((s: any) => String(s.uses ?? '').startsWith('aws-actions/configure-aws-credentials@'));
        expect([w.file, name, check >= 0 && check < firstAws, job.permissions.actions]).toEqual([w.file, name, true, 'read']);
      }
    }
  });

  it('installs no dependency scripts in the jobs that hold the deploy role', () => {
    for (const file of ['deploy-ecs.yml', 'deploy-lambda.yml']) {
      const installs = stepsOf(workflow(file).doc)
        .map((s) => String(s.run ?? ''))
        .filter((run) => run.includes('npm ci'));
      expect(installs.length).toBeGreaterThan(0);
      for (const run of installs) expect([file, run.includes('npm ci --ignore-scripts')]).toEqual([file, true]);
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
    expect(upload!.with).toMatchObject({ name: 'lambda-zip' });
    // Both bundles Terraform packages: the DELETE Lambda and the stream processor.
    expect(String(upload!.with.path).trim().split('\n')).toEqual(['dist/lambda.zip', 'dist/stream.zip']);
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
      expect([file, job.environment, job.concurrency]).toEqual([
        file,
        file === 'terraform.yml' ? 'production-infrastructure' : 'production',
        { group: 'production', 'cancel-in-progress': false },
      ]);
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

  it('fetches the smoke-test token in a step of its own before the smoke test, so a failed fetch fails the job and rolls nothing back', () => {
    const names = deploy.steps.map((s: any) => s.id ?? s.name);
    const token = deploy.steps.find((s: any) => (s.run ?? '').includes('smoke-token.sh'));
    const smoke = deploy.steps.find((s: any) => s.id === 'smoke');
    expect(names.indexOf(token.id ?? token.name)).toBeLessThan(names.indexOf('smoke'));
    expect(token.run).toMatch(/^token="\$\(bash scripts\/deploy\/smoke-token\.sh/);
    expect(token.run).toContain('::add-mask::');
    expect(smoke.run).not.toContain('smoke-token.sh');
  });

  it('tags images by the sources they are built from, exactly the files .dockerignore lets in', () => {
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/\*\*$/, ''));
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
    expect(
      state([{ status: 'PRIMARY', taskDefinition: 'arn:td:6', rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment circuit breaker: rolled back' }]),
    ).toBe('FAILED: rolled back, PRIMARY runs arn:td:6 (ECS deployment circuit breaker: rolled back)');
  });

  it('is FAILED with the reason ECS gives when the rollout fails', () => {
    expect(state([{ status: 'PRIMARY', taskDefinition: 'arn:td:7', rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' }])).toBe(
      'FAILED: tasks failed to start',
    );
  });
});

describe('Workflows: the Lambda deploy tells the truth', () => {
  it('skips the smoke test only where the service is scaled to zero, and fetches its token in a step of its own', () => {
    const steps = workflow('deploy-lambda.yml').doc.jobs.deploy.steps as any[];
    const service = steps.find((s) => s.id === 'service');
    expect(service.run).toContain('aws ecs describe-services --cluster "$ECS_CLUSTER" --services "$ECS_SERVICE" --query \'services[0].desiredCount\'');
    const token = steps.find((s) => (s.run ?? '').includes('smoke-token.sh'));
    const smoke = steps.find((s) => s.id === 'smoke');
    expect(token.if).toBe("steps.canary.outputs.shifted == 'true' && steps.service.outputs.desired != '0'");
    expect(smoke.if).toBe(token.if);
    expect(smoke.run).not.toContain('smoke-token.sh');
    expect(steps.indexOf(token)).toBeLessThan(steps.indexOf(smoke));
    // No judging by /health: a service with tasks that does not answer is a failed smoke test, not a skipped one.
    expect(workflow('deploy-lambda.yml').text).not.toMatch(/health" = "503"/);
  });

  it('moves live back to the version it served when the smoke test fails', () => {
    const deploy = workflow('deploy-lambda.yml').doc.jobs.deploy;
    const rollback = deploy.steps.find((s: any) => (s.run ?? '').includes('update-alias'));
    expect(rollback.if).toBe("failure() && steps.smoke.outcome == 'failure'");
    expect(rollback.run).toContain('--function-version "$CURRENT"');
    expect(workflow('deploy-lambda.yml').text).toContain('aws deploy wait deployment-successful');
  });

  it('sets up the Node.js of .nvmrc in every job that sets one up (the image and the Lambda run that major)', () => {
    const setups = workflows.flatMap(({ file, doc }) =>
      stepsOf(doc)
        .filter((step) => String(step.uses ?? '').startsWith('actions/setup-node@'))
        .map((step) => [file, step.with]),
    );
    expect(setups.length).toBeGreaterThan(0);
    for (const [file, options] of setups) expect([file, options]).toEqual([file, expect.objectContaining({ 'node-version-file': '.nvmrc' })]);
  });

  it('uploads the reviewed plan with its provider lock file (a hidden file upload-artifact leaves out unless told)', () => {
    const upload = stepsOf(workflow('terraform.yml').doc).find((s) => s.with?.name === 'terraform-plan')!;
    expect(String(upload.with.path)).toContain('terraform/.terraform.lock.hcl');
    expect(upload.with['include-hidden-files']).toBe(true);
  });
});

describe('scripts/deploy/environment-protected.sh', () => {
  const judge = (environment: unknown) => {
    try {
      return { ok: true, out: script('environment-protected.sh', ['production', '-'], JSON.stringify(environment)) };
    } catch (error) {
      return { ok: false, out: String((error as { stdout?: string }).stdout ?? '') };
    }
  };
  const reviewers = { type: 'required_reviewers', reviewers: [{ type: 'User', reviewer: { login: 'someone' } }] };

  it('passes an environment with a required reviewer and deployment branches limited', () => {
    expect(judge({ protection_rules: [reviewers], deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } })).toMatchObject({
      ok: true,
    });
  });

  it.each([
    [
      'no protection rule (a private repository on a plan without required reviewers)',
      { protection_rules: [], deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } },
      /no required reviewer/,
    ],
    [
      'a wait timer but no reviewer',
      { protection_rules: [{ type: 'wait_timer', wait_timer: 5 }], deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } },
      /no required reviewer/,
    ],
    ['reviewers but any branch', { protection_rules: [reviewers], deployment_branch_policy: null }, /any branch/],
  ])('fails closed for %s', (_name, environment, message) => {
    const verdict = judge(environment);
    expect(verdict.ok).toBe(false);
    expect(verdict.out).toMatch(message);
  });
});

describe('scripts/deploy/architecture.sh', () => {
  // A copy of the script beside a terraform/ of its own, so each case sets cpu_architecture as a tfvars file would.
  const run = (tfvars: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'picus-arch-'));
    try {
      mkdirSync(join(dir, 'scripts', 'deploy'), { recursive: true });
      mkdirSync(join(dir, 'terraform', 'envs'), { recursive: true });
      copyFileSync(join(ROOT, 'scripts', 'deploy', 'architecture.sh'), join(dir, 'scripts', 'deploy', 'architecture.sh'));
      copyFileSync(join(ROOT, 'terraform', 'variables.tf'), join(dir, 'terraform', 'variables.tf'));
      writeFileSync(join(dir, 'terraform', 'envs', 'prod.tfvars'), tfvars);
      return execFileSync('bash', [join(dir, 'scripts', 'deploy', 'architecture.sh'), 'prod'], { encoding: 'utf8' })
        .trim()
        .split('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('builds on ubuntu-24.04 for linux/amd64 where the tfvars choose x86_64 (private repositories without arm64 runners)', () => {
    expect(run('cpu_architecture = "x86_64"\n')).toEqual(['arch=x86_64', 'platform=linux/amd64', 'runner=ubuntu-24.04']);
  });

  it("builds on ubuntu-24.04-arm for linux/arm64 by default (the variable's default, arm64)", () => {
    expect(run('environment = "prod"\n')).toEqual(['arch=arm64', 'platform=linux/arm64', 'runner=ubuntu-24.04-arm']);
  });
});

describe('scripts/deploy/machine-client.sh', () => {
  const attempt = (args: string[]) => {
    try {
      return { code: 0, out: script('machine-client.sh', args) };
    } catch (error) {
      const e = error as { status: number; stderr: string };
      return { code: e.status, out: String(e.stderr) };
    }
  };

  it('makes a confidential client-credentials client with exactly the scopes given, and asks Cognito for its id only', () => {
    const call = attempt(['--dry-run', 'us-east-1_AbC123', 'picus-smoke', 'picus/read', 'picus/write', 'picus/delete']);
    expect(call.code).toBe(0);
    const args = call.out.split(' ');
    expect(args.slice(0, 3)).toEqual(['aws', 'cognito-idp', 'create-user-pool-client']);
    expect(call.out).toContain('--user-pool-id us-east-1_AbC123 --client-name picus-smoke --generate-secret');
    expect(call.out).toContain('--allowed-o-auth-flows client_credentials --allowed-o-auth-scopes picus/read picus/write picus/delete --access-token-validity');
    expect(call.out).toContain('--allowed-o-auth-flows-user-pool-client');
    expect(call.out).toMatch(/--query UserPoolClient\.ClientId --output text$/);
  });

  it.each([
    ['no scope', ['us-east-1_AbC123', 'picus-smoke']],
    ['a pool id that is not one', ['picus', 'picus-smoke', 'picus/read']],
    ['a scope outside a resource server', ['us-east-1_AbC123', 'picus-smoke', 'openid']],
    ['a name with a space', ['us-east-1_AbC123', 'picus smoke', 'picus/read']],
  ])('refuses %s before calling AWS', (_name, args) => {
    const call = attempt(['--dry-run', ...args]);
    expect(call.code).toBe(2);
    expect(call.out).not.toContain('create-user-pool-client');
  });
});
