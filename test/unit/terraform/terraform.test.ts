import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRouter, LISTENER_RULES_FILE, loadListenerRules } from '../../../local/alb-rules';

const loadListenerRulesFile = () => JSON.parse(readFileSync(LISTENER_RULES_FILE, 'utf8')) as { rate_limited: unknown };
import { renderDocs, withDocs } from '../../../scripts/terraform-docs';
import { interpolations, loadModule, moduleDirs, strings, TERRAFORM_DIR, withoutLiterals, type Module } from '../../../scripts/terraform-hcl';
import { parse } from 'yaml';
import { ALL_SCOPES } from '../../../app/core/auth/access';
import { unknownCounts } from '../../support/terraform-plan-time';

const modules = new Map<string, Module>();
let root: Module;

beforeAll(async () => {
  root = await loadModule(TERRAFORM_DIR);
  for (const dir of moduleDirs()) modules.set(dir.split('/').pop()!, await loadModule(dir));
});

const mod = (name: string): Module => {
  const found = modules.get(name);
  if (!found) throw new Error(`no module ${name}`);
  return found;
};
const all = (): [string, Module][] => [['root', root], ...modules];
const statements = (m: Module, doc: string): any[] => m.data.aws_iam_policy_document?.[doc]?.statement ?? [];
const actionsOf = (m: Module, doc: string): string[] =>
  statements(m, doc)
    .flatMap((s) => s.actions)
    .sort();

/** The DynamoDB API calls the store makes, read from its source: one per `new <Name>Command(` (lib-dynamodb's names). */
function storeCalls(): string[] {
  const store = readFileSync(join(__dirname, '../../../app/core/items/dynamo-item-store.ts'), 'utf8');
  const apiName: Record<string, string> = {
    Get: 'GetItem',
    BatchGet: 'BatchGetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Scan: 'Scan',
    Delete: 'DeleteItem',
  };
  return [...store.matchAll(/new (\w+)Command\(/g)].map(([, command]) => apiName[command!] ?? `unknown ${command}`);
}

describe('Terraform module structure', () => {
  it('has the expected modules', () => {
    const expected =
      'alb auth changes dns-certificate dynamodb-table ecr-repository ecs-service github-oidc lambda-canary lambda-function network observability';
    expect([...modules.keys()].sort()).toEqual(expected.split(' '));
  });

  it('gives every module main, variables, outputs, versions and a README listing its inputs and outputs', () => {
    for (const [name, m] of modules) {
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) {
        expect([name, existsSync(join(m.dir, file))]).toEqual([name, true]);
      }
      const readme = readFileSync(join(m.dir, 'README.md'), 'utf8');
      for (const variable of Object.keys(m.variable)) expect([name, readme.includes(`<a name="input_${variable}">`)]).toEqual([name, true]);
      for (const output of Object.keys(m.output)) expect([name, readme.includes(`<a name="output_${output}">`)]).toEqual([name, true]);
    }
    for (const file of [
      'main.tf',
      'variables.tf',
      'outputs.tf',
      'versions.tf',
      'backend.tf',
      'envs/dev.tfvars',
      'envs/prod.tfvars',
      'envs/dev.s3.tfbackend',
      'envs/prod.s3.tfbackend',
    ]) {
      expect([file, existsSync(join(TERRAFORM_DIR, file))]).toEqual([file, true]);
    }
  });

  it('keeps the inputs and outputs in each module README current (npm run docs:terraform)', () => {
    for (const [name, m] of modules) {
      const readme = readFileSync(join(m.dir, 'README.md'), 'utf8');
      expect([name, withDocs(readme, renderDocs(m)) === readme]).toEqual([name, true]);
    }
  });

  it('types and describes every variable and describes every output', () => {
    for (const [name, m] of all()) {
      for (const [variable, body] of Object.entries(m.variable)) {
        expect([name, variable, typeof body.type, typeof body.description]).toEqual([name, variable, 'string', 'string']);
      }
      for (const [output, body] of Object.entries(m.output)) expect([name, output, typeof body.description]).toEqual([name, output, 'string']);
    }
  });

  it('pins Terraform >= 1.10 and the AWS provider to major 6 everywhere', () => {
    for (const [name, m] of all()) {
      const block = m.terraform.find((t) => t.required_version);
      expect([name, block?.required_version]).toEqual([name, '>= 1.10']);
      const aws = block!.required_providers[0].aws;
      expect([name, aws.source]).toEqual([name, 'hashicorp/aws']);
      expect([name, /^(~> 6\.\d+|>= 6\.\d+, < 7\.0)$/.test(aws.version)]).toEqual([name, true]);
    }
  });

  it('requires the provider versions the features in use need: jwt_validation on listener rules (6.22), nodejs24.x (6.21)', () => {
    const constraint = (name: string) => new Map(all()).get(name)!.terraform.find((t) => t.required_version)!.required_providers[0].aws.version;
    expect(constraint('root')).toBe('~> 6.22');
    expect(constraint('alb')).toBe('>= 6.22, < 7.0');
    expect(constraint('lambda-function')).toBe('>= 6.21, < 7.0');
  });

  it('commits the provider lock: one AWS provider version that every module admits, with the archive hash of every platform', () => {
    const lock = readFileSync(join(TERRAFORM_DIR, '.terraform.lock.hcl'), 'utf8');
    const providers = [...lock.matchAll(/^provider "([^"]+)"/gm)].map((m) => m[1]);
    expect(providers).toEqual(['registry.terraform.io/hashicorp/aws']);
    const version = /^\s*version\s*=\s*"(\d+)\.(\d+)\.(\d+)"/m.exec(lock)!.slice(1).map(Number) as [number, number, number];
    const compare = (a: number[], b: number[]) => a[0]! - b[0]! || (a[1] ?? 0) - (b[1] ?? 0) || (a[2] ?? 0) - (b[2] ?? 0);
    // Terraform's constraint operators as the modules use them: >=, <, and ~> on major.minor (same major, at least that minor).
    const admits = (constraint: string) =>
      constraint.split(',').every((part) => {
        const [, op, text] = /^\s*(>=|<|~>)\s*([\d.]+)\s*$/.exec(part)!;
        const bound = text!.split('.').map(Number);
        if (op === '>=') return compare(version, bound) >= 0;
        if (op === '<') return compare(version, bound) < 0;
        return version[0] === bound[0] && compare(version, bound) >= 0;
      });
    for (const [name, m] of all()) {
      const constraint = m.terraform.find((t) => t.required_version)!.required_providers[0].aws.version;
      expect([name, constraint, admits(constraint)]).toEqual([name, constraint, true]);
    }
    // zh: the registry's SHA-256 of each platform's archive (15 platforms for this release of hashicorp/aws), so every machine can verify.
    const hashes = [...lock.matchAll(/"(h1|zh):([^"]+)"/g)];
    expect(hashes.filter(([, kind]) => kind === 'zh').map(([, , hash]) => /^[0-9a-f]{64}$/.test(hash!))).toEqual(Array(15).fill(true));
    expect(hashes.some(([, kind]) => kind === 'h1')).toBe(true);
    expect(readFileSync(join(TERRAFORM_DIR, '../.gitignore'), 'utf8')).not.toMatch(/lock\.hcl/);
  });

  it('keeps state in S3 with the native lock file', () => {
    const backend = root.terraform.find((t) => t.backend)?.backend.s3[0];
    expect(backend).toMatchObject({ encrypt: true, use_lockfile: true });
  });

  it('declares everything it references: variables, locals, resources, data sources, modules and their outputs', () => {
    const problems: string[] = [];
    for (const [name, m] of all()) {
      const expressions = [m.variable, m.output, m.locals, m.module, m.resource, m.data].flatMap(strings).flatMap(interpolations).map(withoutLiterals);
      for (const expr of expressions) {
        for (const [, v] of expr.matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)) if (!m.variable[v!]) problems.push(`${name}: var.${v}`);
        for (const [, l] of expr.matchAll(/(?<![\w.])local\.([A-Za-z_][\w-]*)/g)) if (!(l! in m.locals)) problems.push(`${name}: local.${l}`);
        for (const [, t, n] of expr.matchAll(/(?<![\w.])data\.([a-z0-9_]+)\.([A-Za-z_][\w-]*)/g))
          if (!m.data[t!]?.[n!]) problems.push(`${name}: data.${t}.${n}`);
        for (const [, t, n] of expr.matchAll(/(?<![\w.])(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) if (!m.resource[t!]?.[n!]) problems.push(`${name}: ${t}.${n}`);
        for (const [, callee, output] of expr.matchAll(/(?<![\w.])module\.([A-Za-z_][\w-]*)(?:\[\d+\])?\.([A-Za-z_][\w-]*)/g)) {
          const call = m.module[callee!];
          if (!call) {
            problems.push(`${name}: module.${callee}`);
            continue;
          }
          const target = [...modules.values()].find((x) => x.dir === resolve(m.dir, call.source));
          if (!target?.output[output!]) problems.push(`${name}: module.${callee}.${output}`);
        }
      }
      for (const [callee, call] of Object.entries(m.module)) {
        const target = [...modules.values()].find((x) => x.dir === resolve(m.dir, call.source));
        if (!target) {
          problems.push(`${name}: module ${callee} source ${call.source}`);
          continue;
        }
        const meta = new Set(['source', 'count', 'for_each', 'depends_on', 'providers', 'version']);
        for (const input of Object.keys(call))
          if (!meta.has(input) && !target.variable[input]) problems.push(`${name}: module ${callee} has no variable ${input}`);
        for (const [variable, body] of Object.entries(target.variable)) {
          if (!('default' in body) && !(variable in call)) problems.push(`${name}: module ${callee} misses required ${variable}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses no long-lived credentials', () => {
    for (const [, m] of all()) {
      expect(m.resource.aws_iam_access_key).toBeUndefined();
      expect(m.resource.aws_iam_user).toBeUndefined();
    }
  });
});

describe('Terraform invariants', () => {
  it('routes DELETE /picus/* to the Lambda target group from the shared rule table', () => {
    const alb = mod('alb');
    expect(alb.locals.routing).toBe('${jsondecode(file("${path.module}/listener-rules.json"))}');
    expect(alb.locals.target_group_arns).toEqual({ service: '${aws_lb_target_group.service.arn}', lambda: '${aws_lb_target_group.lambda.arn}' });
    const rule = alb.resource.aws_lb_listener_rule!.this!;
    expect(rule.for_each).toBe('${local.rules}');
    expect(alb.locals.rules).toContain('local.routing.rules');
    expect(alb.locals.rules).toContain('!rule.development_only');
    expect(rule.action[0].target_group_arn).toBe('${local.target_group_arns[each.value.target]}');
    expect(alb.resource.aws_lb_target_group!.lambda!.target_type).toBe('lambda');
    const router = createRouter(loadListenerRules());
    expect(router.route('DELETE', '/picus/abc')).toMatchObject({ action: 'forward', target: 'lambda', rule: 'deleteItem' });
    expect(router.route('DELETE', '/picus/get/abc')).toMatchObject({ target: 'lambda' });
  });

  it('gives each rule the http-header conditions of the table (the WebSocket upgrade of /graphql)', () => {
    const conditions = mod('alb').resource.aws_lb_listener_rule!.this!.dynamic.condition as any[];
    const header = conditions.find((c) => c.content[0].http_header);
    expect(header.for_each).toBe('${each.value.http_headers}');
    expect(header.content[0].http_header[0]).toEqual({ http_header_name: '${condition.value.name}', values: '${condition.value.values}' });
    // Every rule has the attribute (an empty list where it has no condition), so the rules unify to one type in Terraform.
    expect(loadListenerRules().rules.every((rule) => Array.isArray(rule.http_headers))).toBe(true);
  });

  it('attaches the Lambda alias, not the bare function, with a permission scoped to the target group', () => {
    const lambda = mod('lambda-function');
    const attachment = lambda.resource.aws_lb_target_group_attachment!.this!;
    expect(attachment.target_id).toBe('${aws_lambda_alias.live.arn}');
    expect(attachment.depends_on).toEqual(['${aws_lambda_permission.alb}']);
    expect(lambda.resource.aws_lambda_permission!.alb).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'elasticloadbalancing.amazonaws.com',
      qualifier: '${aws_lambda_alias.live.name}',
      source_arn: '${var.target_group_arn}',
      source_account: '${data.aws_caller_identity.current.account_id}',
    });
    expect(lambda.resource.aws_lambda_alias!.live!.name).toBe('live');
    expect(lambda.resource.aws_lambda_function!.this).toMatchObject({
      runtime: 'nodejs24.x',
      architectures: ['${var.architecture}'],
      publish: true,
      handler: 'handler.handler',
    });
    expect(lambda.resource.aws_cloudwatch_log_group!.this!.retention_in_days).toBe('${var.log_retention_days}');
  });

  it('deploys ECS with zero downtime: 100/200 %, circuit breaker with rollback, grace period, drain-sized timeouts', () => {
    const ecs = mod('ecs-service');
    const service = ecs.resource.aws_ecs_service!.this!;
    expect(service).toMatchObject({ deployment_minimum_healthy_percent: 100, deployment_maximum_percent: 200, launch_type: 'FARGATE' });
    expect(service.deployment_circuit_breaker[0]).toEqual({ enable: true, rollback: true });
    expect(service.health_check_grace_period_seconds).toBe('${var.health_check_grace_period}');
    expect(service.network_configuration[0].assign_public_ip).toBe(false);
    expect(service.lifecycle[0].ignore_changes).toEqual(['${task_definition}', '${desired_count}']);
    expect(service.desired_count).toBe('${local.has_image ? var.desired_count : 0}');
    expect(ecs.variable.desired_count!.default).toBeGreaterThanOrEqual(2);
    const container = ecs.resource.aws_ecs_task_definition!.this!.container_definitions as string;
    expect(container).toContain('initProcessEnabled = true');
    expect(container).toContain('"CMD", "node", "-e"');
    expect(container).not.toContain('curl');
    // Logs are written synchronously: a stalled log driver must drop lines, not stall requests.
    expect(container).toMatch(/\bmode\s*=\s*"non-blocking"/);
    expect(container).toMatch(/max-buffer-size\s*=\s*var\.log_buffer_size/);
    // SIGTERM -> 5 s delay + 15 s grace must fit before SIGKILL; the ALB drains for 30 s before SIGTERM.
    expect(ecs.variable.stop_timeout!.default).toBeGreaterThanOrEqual(25);
    expect(mod('alb').variable.deregistration_delay!.default).toBe(30);
    expect(ecs.resource.aws_ecs_cluster!.this!.setting[0]).toEqual({ name: 'containerInsights', value: '${var.container_insights ? "enabled" : "disabled"}' });
    expect(ecs.variable.container_insights!.default).toBe(true);
    const scaling = ecs.resource.aws_appautoscaling_policy!;
    expect(scaling.cpu!.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type).toBe(
      'ECSServiceAverageCPUUtilization',
    );
    expect(scaling.requests!.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type).toBe(
      'ALBRequestCountPerTarget',
    );
  });

  it('sends table traffic and image layers (ECR serves them from S3) through free gateway endpoints, not the NAT gateway', () => {
    const endpoints = mod('network').resource.aws_vpc_endpoint!;
    for (const service of ['dynamodb', 's3']) {
      expect([service, endpoints[service]]).toEqual([
        service,
        expect.objectContaining({
          vpc_endpoint_type: 'Gateway',
          service_name: `com.amazonaws.\${data.aws_region.current.region}.${service}`,
          route_table_ids: '${aws_route_table.private[*].id}',
        }),
      ]);
    }
    expect(root.module.network).toMatchObject({ single_nat_gateway: '${var.single_nat_gateway}', enable_flow_logs: '${var.enable_flow_logs}' });
    expect(root.module.ecs_service).toMatchObject({ container_insights: '${var.container_insights}' });
  });

  it('terminates TLS with ELBSecurityPolicy-TLS13-1-2-2021-06, redirects HTTP, drops invalid headers', () => {
    const alb = mod('alb');
    expect(alb.resource.aws_lb_listener!.https!.ssl_policy).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(alb.resource.aws_lb!.this!.drop_invalid_header_fields).toBe(true);
    const http = alb.resource.aws_lb_listener!.http!.default_action[0];
    expect(http.type).toBe('${local.https_enabled ? "redirect" : "fixed-response"}');
    // Deny by default: what no rule matches gets the catalogue's JSON 404 at the listener, never a forward.
    expect(http.dynamic.fixed_response[0].for_each).toBe('${local.https_enabled ? [] : [local.not_found]}');
    const https = alb.resource.aws_lb_listener!.https!.default_action[0];
    expect(https.type).toBe('fixed-response');
    expect(https.fixed_response[0]).toMatchObject({ content_type: '${local.not_found.content_type}', message_body: '${local.not_found.message_body}' });
    expect(JSON.stringify(alb.resource.aws_lb_listener)).not.toContain('"forward"');
    expect(http.dynamic.redirect[0].content[0]).toMatchObject({ protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' });
    expect(alb.resource.aws_lb_target_group!.service!.health_check[0].path).toBe('${var.health_check.path}');
  });

  it('keeps the table on demand, keyed on id, with PITR, encryption and deletion protection', () => {
    const table = mod('dynamodb-table').resource.aws_dynamodb_table!.this!;
    expect(table).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', hash_key: 'id', deletion_protection_enabled: '${var.deletion_protection}' });
    expect(table.attribute).toEqual([{ name: 'id', type: 'S' }]);
    expect(table.point_in_time_recovery).toEqual([{ enabled: true }]);
    expect(table.server_side_encryption[0].enabled).toBe(true);
    expect(mod('dynamodb-table').variable.deletion_protection!.default).toBe(true);
  });

  it("lets the load balancer fetch the issuer's JWKS over HTTPS where it checks tokens, and only there", () => {
    const alb = mod('alb');
    expect(alb.resource.aws_vpc_security_group_egress_rule!.jwks).toMatchObject({
      count: '${local.jwt_enabled ? 1 : 0}',
      cidr_ipv4: '0.0.0.0/0',
      from_port: 443,
      to_port: 443,
      ip_protocol: 'tcp',
    });
    expect(alb.locals.jwt_enabled).toBe('${local.https_enabled && var.enable_jwt_validation}');
  });

  it('watches throttles and system errors of every DynamoDB call the store makes, on the alarms and the dashboard', () => {
    const made = [...new Set(storeCalls())].sort();
    expect(made).toContain('UpdateItem');
    expect([...(mod('observability').locals.table_operations as string[])].sort()).toEqual(made);
  });

  it('grants the service exactly the DynamoDB calls its code makes, and the Lambda only DeleteItem and logs', () => {
    const serviceActions = [...new Set(storeCalls().filter((call) => call !== 'DeleteItem'))].map((call) => `dynamodb:${call}`).sort();
    expect(actionsOf(mod('ecs-service'), 'task')).toEqual([...serviceActions, 'lambda:InvokeFunction'].sort());
    // The service deletes only by invoking the Lambda's live alias.
    const invoke = statements(mod('ecs-service'), 'task').find((st) => st.sid === 'InvokeDeleteLambda');
    expect(invoke.resources).toEqual(['${var.delete_function_alias_arn}']);
    expect(root.module.ecs_service!.delete_function_alias_arn).toBe('${module.lambda_function.alias_arn}');
    expect(actionsOf(mod('ecs-service'), 'task')).not.toContain('dynamodb:DeleteItem');
    expect(actionsOf(mod('lambda-function'), 'this')).toEqual(['dynamodb:DeleteItem', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    const pull =
      'ecr:BatchCheckLayerAvailability ecr:BatchGetImage ecr:GetAuthorizationToken ecr:GetDownloadUrlForLayer logs:CreateLogStream logs:PutLogEvents';
    expect(actionsOf(mod('ecs-service'), 'execution')).toEqual(pull.split(' '));
  });

  it('guards every service assume-role policy with aws:SourceAccount', () => {
    for (const [name, m] of modules) {
      for (const [doc, body] of Object.entries(m.data.aws_iam_policy_document ?? {})) {
        for (const statement of body.statement ?? []) {
          if (!statement.actions.includes('sts:AssumeRole')) continue;
          const variables = (statement.condition ?? []).map((c: { variable: string }) => c.variable);
          expect([name, doc, variables.includes('aws:SourceAccount')]).toEqual([name, doc, true]);
        }
      }
    }
    const oidc = statements(mod('github-oidc'), 'assume')[0];
    expect(oidc.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(oidc.condition.map((c: { variable: string }) => c.variable).sort()).toEqual([
      'token.actions.githubusercontent.com:aud',
      'token.actions.githubusercontent.com:sub',
    ]);
  });

  it('gives every alarm the dimensions its metric is published under', () => {
    const obs = mod('observability');
    const dims: Record<string, string> = {
      '${local.alb}': 'LoadBalancer',
      '${local.service_tg}': 'LoadBalancer+TargetGroup',
      '${local.lambda_tg}': 'LoadBalancer+TargetGroup',
      '${local.ecs}': 'ClusterName+ServiceName',
    };
    expect(obs.locals.alb).toEqual({ LoadBalancer: '${var.alb_arn_suffix}' });
    expect(obs.locals.service_tg).toEqual({ LoadBalancer: '${var.alb_arn_suffix}', TargetGroup: '${var.service_target_group_arn_suffix}' });
    expect(obs.locals.lambda_tg).toEqual({ LoadBalancer: '${var.alb_arn_suffix}', TargetGroup: '${var.lambda_target_group_arn_suffix}' });
    const needsTargetGroup = ['HTTPCode_Target_5XX_Count', 'UnHealthyHostCount', 'HealthyHostCount', 'TargetResponseTime'];
    const table = obs.locals.metric_alarms as Record<string, { namespace: string; metric: string; dimensions: any }>;
    expect(Object.keys(table).length).toBeGreaterThanOrEqual(8);
    for (const [name, alarm] of Object.entries(table)) {
      expect([name, alarm.metric]).not.toEqual([name, 'UserErrors']);
      if (alarm.namespace === 'AWS/ApplicationELB') {
        const kind = dims[alarm.dimensions];
        expect([name, kind?.startsWith('LoadBalancer')]).toEqual([name, true]);
        if (needsTargetGroup.includes(alarm.metric)) expect([name, kind]).toEqual([name, 'LoadBalancer+TargetGroup']);
      } else if (alarm.namespace === 'AWS/Lambda') {
        expect(alarm.dimensions).toEqual({ FunctionName: '${var.lambda_function_name}' });
      } else {
        expect([name, alarm.namespace, dims[alarm.dimensions]]).toEqual([name, 'AWS/ECS', 'ClusterName+ServiceName']);
      }
    }
    const alarms = obs.resource.aws_cloudwatch_metric_alarm!;
    expect(alarms.metric).toMatchObject({
      for_each: '${local.metric_alarms}',
      dimensions: '${each.value.dimensions}',
      alarm_actions: '${local.alarm_actions}',
    });
    const dynamo = alarms.dynamodb!;
    expect(dynamo.for_each).toBe('${toset(["ThrottledRequests", "SystemErrors"])}');
    const metrics = dynamo.dynamic.metric_query[0].content[0].metric;
    for (const metric of metrics) expect(Object.keys(metric.dimensions).sort()).toEqual(['Operation', 'TableName']);
    expect(dynamo.alarm_actions).toBe('${local.alarm_actions}');
  });

  it('encrypts the alerts topic with a customer key CloudWatch may use', () => {
    const obs = mod('observability');
    expect(obs.resource.aws_sns_topic!.alerts!.kms_master_key_id).toBe('${aws_kms_key.alerts.arn}');
    const cloudwatch = statements(obs, 'alerts_key').find((s) => s.principals[0].identifiers.includes('cloudwatch.amazonaws.com'));
    expect(cloudwatch.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(obs.resource.aws_kms_key!.alerts!.enable_key_rotation).toBe(true);
  });

  it('names no resource by hand in the dashboard', () => {
    const body = mod('observability').resource.aws_cloudwatch_dashboard!.this!.dashboard_body as string;
    expect(body).not.toMatch(/picus/);
    expect(body).toContain('var.alb_arn_suffix');
  });

  it('runs Lambda canaries at 10 % a minute with alarm rollback', () => {
    const canary = mod('lambda-canary');
    expect(canary.variable.deployment_config_name!.default).toBe('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
    const group = canary.resource.aws_codedeploy_deployment_group!.this!;
    expect(group.alarm_configuration[0]).toEqual({ enabled: true, alarms: '${var.rollback_alarm_names}' });
    expect(group.auto_rollback_configuration[0]).toEqual({ enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] });
    expect(root.module.lambda_canary!.rollback_alarm_names).toBe('${module.observability.lambda_rollback_alarm_names}');
  });

  it('keeps ECR images immutable, scanned and pruned to 10', () => {
    const ecr = mod('ecr-repository');
    expect(ecr.resource.aws_ecr_repository!.this).toMatchObject({ image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: [{ scan_on_push: true }] });
    expect(ecr.variable.images_to_keep!.default).toBe(10);
  });

  it('keeps the original names CI and operators use', () => {
    const ecs = root.module.ecs_service!;
    expect(root.variable.project_name!.default).toBe('picus');
    expect(ecs).toMatchObject({
      cluster_name: '${local.name}-cluster',
      service_name: '${local.name}-service',
      task_family: '${local.name}-app',
      container_name: '${local.name}-container',
      log_group_name: '/ecs/${local.name}',
    });
    expect(root.module.lambda_function!.function_name).toBe('${local.name}-${var.environment}-delete');
    expect(root.variable.dynamodb_table_name!.default).toBe('picus-data');
  });
});

describe('Terraform on its first apply and its hundredth', () => {
  it('derives every count and for_each in every module from values known at plan time', () => {
    expect(unknownCounts(root, modules)).toEqual([]);
  });

  it('flags a count fed from a resource attribute through a module input, and accepts the plain-bool form', async () => {
    const dir = join(__dirname, '../../fixtures/terraform/unknown-count');
    const fixtureRoot = await loadModule(dir);
    const listener = await loadModule(join(dir, 'modules/listener'));
    const problems = unknownCounts(fixtureRoot, new Map([['listener', listener]]));
    expect(problems).toEqual([
      'root/module.listener aws_lb_listener.from_arn.count: local.https <- var.certificate_arn <- root: aws_acm_certificate.this (a resource attribute)',
    ]);
  });

  it('decides HTTPS from domain_name, a plain input, and passes the ALB a bool', () => {
    expect(root.locals.https_enabled).toBe('${var.domain_name != null}');
    expect(root.module.alb!.enable_https).toBe('${local.https_enabled}');
    expect(mod('alb').locals.https_enabled).toBe('${var.enable_https}');
  });

  it('refuses environment prod without domain_name', () => {
    const validation = root.variable.domain_name!.validation[0];
    expect(validation.condition).toBe('${var.environment != "prod" || var.domain_name != null}');
    const prod = readFileSync(join(TERRAFORM_DIR, 'envs/prod.tfvars'), 'utf8');
    expect(prod).toMatch(/^domain_name\s*=\s*"[^"]+"/m);
    expect(prod).toMatch(/^hosted_zone_name\s*=\s*"[^"]+"/m);
  });

  it('starts the service with no tasks and no autoscaling until an image tag is given', () => {
    const ecs = mod('ecs-service');
    expect(root.variable.image_tag!.default).toBeNull();
    expect(ecs.locals.has_image).toBe('${var.image_tag != null}');
    for (const [type, name] of [
      ['aws_appautoscaling_target', 'this'],
      ['aws_appautoscaling_policy', 'cpu'],
      ['aws_appautoscaling_policy', 'requests'],
    ] as const) {
      expect([type, name, ecs.resource[type]![name]!.count]).toEqual([type, name, '${local.has_image ? 1 : 0}']);
    }
    expect(ecs.resource.aws_appautoscaling_target!.this!.min_capacity).toBe('${var.desired_count}');
  });

  it('orders the ECS service after the listeners through the target group output, not a module-wide depends_on', () => {
    expect(root.module.ecs_service!.depends_on).toBeUndefined();
    expect(mod('alb').output.service_target_group_arn!.depends_on).toEqual([
      '${aws_lb_listener.http}',
      '${aws_lb_listener.https}',
      '${aws_lb_listener_rule.this}',
    ]);
  });

  it('reserves no Lambda concurrency by default (new accounts may have a quota of 10)', () => {
    expect(mod('lambda-function').variable.reserved_concurrency!.default).toBeNull();
    expect(root.module.lambda_function!.reserved_concurrency).toBeUndefined();
  });

  it('declares one CPU architecture, used by the task definition and the Lambda', () => {
    expect(root.variable.cpu_architecture!.default).toBe('arm64');
    expect(root.module.ecs_service!.cpu_architecture).toBe('${upper(var.cpu_architecture)}');
    expect(root.module.lambda_function!.architecture).toBe('${var.cpu_architecture}');
    expect(mod('ecs-service').resource.aws_ecs_task_definition!.this!.runtime_platform[0].cpu_architecture).toBe('${var.cpu_architecture}');
  });

  it('has one owner for the ecs-cpu alarm, and forgets the old one without destroying it', () => {
    const obs = mod('observability');
    expect(Object.keys(obs.resource.aws_cloudwatch_metric_alarm!).sort()).toEqual(['dynamodb', 'metric']);
    expect(Object.keys(obs.locals.metric_alarms)).toContain('ecs-cpu');
    const main = readFileSync(join(obs.dir, 'main.tf'), 'utf8');
    expect(main).toMatch(/removed\s*\{\s*from\s*=\s*aws_cloudwatch_metric_alarm\.ecs_cpu\s*lifecycle\s*\{\s*destroy\s*=\s*false\s*\}\s*\}/);
  });

  it('rolls a canary back on LambdaUserError (ALB 502s) and on more than a few target 5XX, not on one', () => {
    const obs = mod('observability');
    expect(obs.locals.metric_alarms['lambda-user-error']).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metric: 'LambdaUserError',
      dimensions: '${local.lambda_tg}',
    });
    expect(obs.output.lambda_rollback_alarm_names!.value).toContain('"lambda-user-error"');
    expect(obs.variable.lambda_5xx_threshold!.default).toBeGreaterThanOrEqual(2);
  });

  it('gives CodeDeploy what AWSCodeDeployRoleForLambdaLimited grants for Lambda, scoped to the function', () => {
    const shift = statements(mod('lambda-canary'), 'this').find((s) => s.sid === 'ShiftAlias');
    expect(shift.actions).toEqual(expect.arrayContaining(['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig']));
    expect(shift.resources).toEqual(['${var.function_arn}', '${var.function_arn}:*']);
  });

  it('outputs everything the workflows need, ecr_repository_name included', () => {
    for (const output of [
      'ecr_repository_name',
      'github_deploy_role_arn',
      'github_terraform_plan_role_arn',
      'github_terraform_apply_role_arn',
      'ecs_cluster_name',
      'ecs_service_name',
      'ecs_task_family',
      'ecs_container_name',
      'lambda_function_name',
      'codedeploy_application_name',
      'codedeploy_deployment_group_name',
      'app_url',
    ]) {
      expect([output, Boolean(root.output[output])]).toEqual([output, true]);
    }
  });
});

describe('Terraform: subscriptions see every write, on every task', () => {
  const changes = () => mod('changes');

  it('keeps a stream of every write (both images) and feeds it to the processor with bounded retries and a dead-letter queue', () => {
    const table = mod('dynamodb-table').resource.aws_dynamodb_table!.this!;
    expect(table).toMatchObject({ stream_enabled: '${var.stream_enabled}', stream_view_type: '${var.stream_enabled ? "NEW_AND_OLD_IMAGES" : null}' });
    expect(root.module.dynamodb_table).toMatchObject({ stream_enabled: '${var.enable_subscriptions}' });
    const mapping = changes().resource.aws_lambda_event_source_mapping!.stream!;
    expect(mapping).toMatchObject({
      event_source_arn: '${var.stream_arn}',
      parallelization_factor: 1,
      maximum_retry_attempts: 3,
      maximum_record_age_in_seconds: 60,
      bisect_batch_on_function_error: true,
      function_response_types: ['ReportBatchItemFailures'],
    });
    expect(mapping.destination_config[0].on_failure[0].destination_arn).toBe('${aws_sqs_queue.dead_letters.arn}');
  });

  it('gives the processor only the stream, its dead letters, its logs and its network interfaces', () => {
    expect(actionsOf(changes(), 'processor')).toEqual(
      [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:UnassignPrivateIpAddresses',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(statements(changes(), 'processor').find((s) => s.sid === 'ReadTheStream').resources).toEqual(['${var.stream_arn}']);
  });

  it('opens the bus (Valkey, TLS on 6379, private subnets) to the service tasks and the processor only, and points the tasks at it', () => {
    const m = changes();
    expect(m.resource.aws_elasticache_serverless_cache!.this).toMatchObject({
      engine: 'valkey',
      subnet_ids: '${var.subnet_ids}',
      security_group_ids: ['${aws_security_group.cache.id}'],
    });
    expect(m.locals.bus_clients).toEqual({ service: '${var.service_security_group_id}', processor: '${aws_security_group.processor.id}' });
    const ingress = m.resource.aws_vpc_security_group_ingress_rule!;
    expect(Object.keys(ingress)).toEqual(['from_clients']);
    expect(ingress.from_clients).toMatchObject({
      for_each: '${local.bus_clients}',
      security_group_id: '${aws_security_group.cache.id}',
      from_port: '${local.port}',
      to_port: '${local.port}',
      referenced_security_group_id: '${each.value}',
    });
    expect(m.locals.bus_url).toBe('rediss://${aws_elasticache_serverless_cache.this.endpoint[0].address}:${local.port}');
    expect(root.module.ecs_service!.environment_variables).toContain('CHANGE_BUS_URL = module.changes[0].bus_url, CHANGE_FEED = "stream"');
    expect(root.module.changes).toMatchObject({ count: '${var.enable_subscriptions ? 1 : 0}', stream_arn: '${module.dynamodb_table.stream_arn}' });
  });

  it('alarms on the stream falling behind, changes given up on, and the bus throttling', () => {
    const m = changes();
    const alarms = m.locals.alarms as Record<string, { metric: string }>;
    expect(Object.fromEntries(Object.entries(alarms).map(([name, a]) => [name, a.metric]))).toEqual({
      'iterator-age': 'IteratorAge',
      'dead-letters': 'ApproximateNumberOfMessagesVisible',
      'bus-throttled': 'ThrottledCmds',
    });
    expect(m.resource.aws_cloudwatch_metric_alarm!.this).toMatchObject({ for_each: '${local.alarms}', alarm_actions: '${var.alarm_topic_arns}' });
  });
});

describe('Terraform: browsers on other origins', () => {
  it('gives the service and the Lambda the same CORS origins and token issuer', () => {
    expect(root.locals.shared_environment).toContain('CORS_ORIGINS = var.cors_origins');
    expect(root.locals.shared_environment).toContain('AUTH_ISSUER = local.jwt_issuer, AUTH_JWKS_URL = local.jwt_jwks');
    expect(root.locals.shared_environment).toContain('local.auth_accept');
    expect(root.module.ecs_service!.environment_variables).toContain('local.shared_environment');
    expect(root.module.lambda_function!.environment_variables).toBe('${local.shared_environment}');
    expect(mod('lambda-function').resource.aws_lambda_function!.this!.environment[0].variables).toContain('var.environment_variables');
  });

  it('answers a WAF rate-limit block as a JSON 429 with Retry-After that any origin can read', () => {
    const acl = mod('alb').resource.aws_wafv2_web_acl!.this!;
    const block = acl.rule.find((r: any) => r.name === 'rate-limit-per-ip').action[0].block[0].custom_response[0];
    // Status, body and Retry-After come from the error catalogue's RATE_LIMITED, through the generated listener-rules.json.
    expect(block.response_code).toBe('${local.routing.rate_limited.status_code}');
    expect(Object.fromEntries(block.response_header.map((h: any) => [h.name, h.value]))).toEqual({
      'Retry-After': '${tostring(local.routing.rate_limited.retry_after_seconds)}',
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Retry-After',
    });
    expect(acl.custom_response_body[0]).toMatchObject({
      key: block.custom_response_body_key,
      content_type: 'APPLICATION_JSON',
      content: '${local.routing.rate_limited.message_body}',
    });
    const limited = loadListenerRulesFile().rate_limited;
    expect(limited).toEqual({
      type: 'fixed-response',
      status_code: 429,
      content_type: 'application/json',
      message_body: '{"error":"Too many requests: retry after 300 seconds","code":"RATE_LIMITED"}',
      retry_after_seconds: 300,
    });
    expect(acl.rule.find((r: any) => r.name === 'rate-limit-per-ip').statement[0].rate_based_statement[0].evaluation_window_sec).toBe(
      '${local.routing.rate_limited.retry_after_seconds}',
    );
  });
});

describe('Terraform: identity and scopes', () => {
  it('creates a Cognito pool with the resource server picus and its three scopes, unless an external issuer is given', () => {
    expect(root.module.auth!.count).toBe('${local.cognito ? 1 : 0}');
    expect(root.locals.cognito).toBe('${var.jwt_issuer == null}');
    const auth = mod('auth');
    // The resource server and its scopes come from the code's one table (generated scopes.json; generate:check holds it).
    expect(auth.locals.api).toBe('${jsondecode(file("${path.module}/scopes.json"))}');
    expect(auth.resource.aws_cognito_resource_server!.this!.identifier).toBe('${local.api.identifier}');
    const generated = JSON.parse(readFileSync(join(auth.dir, 'scopes.json'), 'utf8'));
    expect(
      Object.entries(generated.scopes)
        .map(([name]) => `${generated.identifier}/${name}`)
        .sort(),
    ).toEqual([...ALL_SCOPES].sort());
    expect(root.variable.jwt_jwks_url!.validation[0].condition).toBe('${var.jwt_issuer == null || var.jwt_jwks_url != null}');
    expect(root.variable.jwt_audience!.validation[0].condition).toBe('${var.jwt_issuer == null || length(var.jwt_audience) > 0}');
  });

  it("keeps every client secret out of the state: only the public PKCE frontend client is Terraform's, machine clients are named by id", () => {
    const auth = mod('auth');
    const clients = auth.resource.aws_cognito_user_pool_client!;
    expect(Object.keys(clients)).toEqual(['frontend']);
    expect(clients.frontend).toMatchObject({ generate_secret: false, allowed_oauth_flows: ['code'], callback_urls: '${var.callback_urls}' });
    // Nothing else that would hold a secret, and no output that would carry one.
    expect(Object.keys(auth.resource).filter((type) => /secret/.test(type))).toEqual([]);
    for (const m of [auth, root])
      expect(Object.entries(m.output).filter(([, o]) => o.sensitive || /client_secret|secret_arn/.test(String(o.value)))).toEqual([]);
    // Cognito access tokens carry client_id, not aud: the targets check it against the clients the API accepts.
    expect(auth.output.client_ids!.value).toBe('${concat(var.machine_client_ids, [aws_cognito_user_pool_client.frontend.id])}');
    expect(root.module.auth).toMatchObject({ machine_client_ids: '${var.auth_machine_client_ids}' });
    expect(root.locals.auth_accept).toContain('AUTH_CLIENT_IDS = join(",", module.auth[0].client_ids)');
  });

  it('lets the deploy role read the smoke client in this user pool only, and nothing in Secrets Manager', () => {
    const smoke = mod('github-oidc').data.aws_iam_policy_document!.deploy!.dynamic.statement[0];
    expect(smoke.for_each).toBe('${var.grant_smoke_client_read ? [var.smoke_user_pool_arns] : []}');
    expect(smoke.content[0]).toMatchObject({ sid: 'SmokeTestClient', actions: ['cognito-idp:DescribeUserPoolClient'], resources: '${statement.value}' });
    expect(JSON.stringify(mod('github-oidc').data.aws_iam_policy_document!.deploy)).not.toContain('secretsmanager');
    expect(root.module.github_oidc).toMatchObject({
      grant_smoke_client_read: '${local.cognito}',
      smoke_user_pool_arns: '${local.cognito ? [module.auth[0].user_pool_arn] : []}',
    });
  });

  it("runs jwt-validation with the rule's one scope before forwarding, on HTTPS listener rules that name one", () => {
    const alb = mod('alb');
    expect(alb.locals.jwt_enabled).toBe('${local.https_enabled && var.enable_jwt_validation}');
    const rule = alb.resource.aws_lb_listener_rule!.this!;
    const jwt = rule.dynamic.action[0];
    expect(jwt.for_each).toBe('${local.jwt_enabled && each.value.jwt_validation != null ? [each.value.jwt_validation] : []}');
    expect(jwt.content[0]).toMatchObject({ type: 'jwt-validation', order: 1 });
    const validation = jwt.content[0].jwt_validation[0];
    expect(validation).toMatchObject({ issuer: '${var.jwt_issuer}', jwks_endpoint: '${var.jwt_jwks_endpoint}' });
    expect(validation.dynamic.additional_claim[0].content[0]).toEqual({
      format: 'space-separated-values',
      name: 'scope',
      values: ['${additional_claim.value}'],
    });
    expect(rule.action[0]).toMatchObject({ type: 'forward', order: 2 });
    expect(root.module.alb).toMatchObject({ enable_jwt_validation: true, jwt_issuer: '${local.jwt_issuer}', jwt_jwks_endpoint: '${local.jwt_jwks}' });
  });
});

describe('Terraform: no pull request can write to AWS', () => {
  const oidc = () => mod('github-oidc');

  it('trusts the subject prefix GitHub gives the repository, in the classic and the immutable (IDs) format alike', () => {
    const v = oidc().variable.subject_prefix!;
    const pattern = new RegExp(/regex\("([^"]+)"/.exec(v.validation[0].condition)![1]!.replace(/\\\\/g, '\\'));
    for (const prefix of ['repo:octocat/my-repo', 'repo:octocat-123456/my-repo-456789', 'repo:octocat@123456/my-repo@456789', 'repo:picus-org/picus-gateway'])
      expect([prefix, pattern.test(prefix)]).toEqual([prefix, true]);
    for (const prefix of ['octocat/my-repo', 'repo:octocat', 'repo:octocat/my-repo:ref:refs/heads/main', 'repo:*/*', 'repo:octocat/*'])
      expect([prefix, pattern.test(prefix)]).toEqual([prefix, false]);
    const assume = statements(oidc(), 'assume')[0];
    expect(assume.condition.find((c: { variable: string }) => c.variable.endsWith(':sub')).values).toBe(
      '${[for subject in each.value : "${var.subject_prefix}:${subject}"]}',
    );
    expect(root.module.github_oidc).toMatchObject({ subject_prefix: '${var.github_oidc_subject_prefix}' });
  });

  it('trusts pull requests only on the pull-request plan role, main on the other plan role, and environments only for apply and deploy', () => {
    const v = oidc().variable;
    expect(v.terraform_plan_subjects!.default).toEqual(['ref:refs/heads/main']);
    expect(v.terraform_plan_subjects!.validation[0].condition).toBe('${!contains(var.terraform_plan_subjects, "pull_request")}');
    expect(v.terraform_plan_pull_request_subjects!.default).toEqual(['pull_request']);
    // Apply has an environment of its own: the deploy jobs (production) run npm ci and never get the administrator role.
    expect(v.terraform_apply_subjects!.default).toEqual(['environment:production-infrastructure']);
    expect(v.deploy_subjects!.default).toEqual(['environment:production']);
    expect(v.terraform_apply_subjects!.validation[0].condition).toContain('startswith(s, "environment:")');
    expect(v.deploy_subjects!.validation[0].condition).toContain('startswith(s, "environment:")');
    const assume = oidc().data.aws_iam_policy_document!.assume!;
    expect(assume.for_each).toEqual({
      deploy: '${var.deploy_subjects}',
      terraform_plan: '${var.terraform_plan_subjects}',
      terraform_plan_pull_request: '${var.terraform_plan_pull_request_subjects}',
      terraform_apply: '${var.terraform_apply_subjects}',
    });
  });

  it('gives both plan roles ReadOnlyAccess and a read of the state object and its lock file, nothing that writes', () => {
    const m = oidc();
    expect(m.locals.plan_roles).toBe('${toset(["terraform_plan", "terraform_plan_pull_request"])}');
    expect(m.resource.aws_iam_role!.terraform_plan).toMatchObject({
      for_each: '${local.plan_roles}',
      assume_role_policy: '${data.aws_iam_policy_document.assume[each.key].json}',
    });
    expect(m.resource.aws_iam_role_policy_attachment!.terraform_plan).toMatchObject({
      for_each: '${local.plan_roles}',
      policy_arn: 'arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess',
    });
    const state = statements(m, 'terraform_state_read');
    expect(state.flatMap((s) => s.actions).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(state.find((s) => s.sid === 'ReadState').resources).toEqual(['${local.state_object}', '${local.state_object}.tflock']);
    expect(m.resource.aws_iam_role_policy!.terraform_state_read).toMatchObject({
      for_each: '${local.plan_roles}',
      role: '${aws_iam_role.terraform_plan[each.key].id}',
    });
    expect(m.resource.aws_iam_role!.terraform_apply!.assume_role_policy).toBe('${data.aws_iam_policy_document.assume["terraform_apply"].json}');
    // The role that existed before keeps its address, so its ARN in GitHub's variables stays right.
    const main = readFileSync(join(m.dir, 'main.tf'), 'utf8');
    for (const type of ['aws_iam_role', 'aws_iam_role_policy_attachment']) {
      expect([
        type,
        new RegExp(`moved\\s*\\{\\s*from\\s*=\\s*${type}\\.terraform_plan\\s*to\\s*=\\s*${type}\\.terraform_plan\\["terraform_plan"\\]\\s*\\}`).test(main),
      ]).toEqual([type, true]);
    }
  });

  it('denies both plan roles the data ReadOnlyAccess would read: objects other than the state, items, log events, secret and parameter values, users', () => {
    const m = oidc();
    const doc = m.data.aws_iam_policy_document!.terraform_plan_no_data!;
    expect(doc.for_each).toBe('${local.plan_roles}');
    const objects = doc.statement.find((s: { sid: string }) => s.sid === 'NoObjectsButTheState');
    expect(objects).toMatchObject({ effect: 'Deny', actions: ['s3:GetObject*'], not_resources: ['${local.state_object}', '${local.state_object}.tflock'] });
    const data = doc.statement.find((s: { sid: string }) => s.sid === 'NoData');
    expect(data.effect).toBe('Deny');
    expect(data.resources).toEqual(['*']);
    for (const action of [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:PartiQLSelect',
      'dynamodb:GetRecords',
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
      'logs:StartQuery',
      'logs:StartLiveTail',
      'secretsmanager:GetSecretValue',
      'secretsmanager:BatchGetSecretValue',
      'ssm:GetParameter',
      'ssm:GetParametersByPath',
      'cognito-idp:ListUsers',
      'cognito-idp:AdminGetUser',
    ]) {
      expect([action, data.actions.includes(action)]).toEqual([action, true]);
    }
    expect(m.resource.aws_iam_role_policy!.terraform_plan_no_data).toMatchObject({
      for_each: '${local.plan_roles}',
      policy: '${data.aws_iam_policy_document.terraform_plan_no_data[each.key].json}',
    });
  });

  it('denies the pull-request plan role every app client (Cognito returns secrets to DescribeUserPoolClient), and its plans do not refresh', () => {
    const clients = oidc().data.aws_iam_policy_document!.terraform_plan_no_data!.dynamic.statement[0];
    expect(clients.for_each).toBe('${each.key == "terraform_plan_pull_request" ? [1] : []}');
    expect(clients.content[0]).toEqual({ sid: 'NoClientSecrets', effect: 'Deny', actions: ['cognito-idp:DescribeUserPoolClient'], resources: ['*'] });
    const job = parse(readFileSync(join(TERRAFORM_DIR, '../.github/workflows/terraform.yml'), 'utf8')).jobs.plan;
    const plan = job.steps.find((s: { id?: string }) => s.id === 'plan');
    expect(plan.run).toContain('-refresh="$REFRESH"');
    expect(plan.env.REFRESH).toBe("${{ github.event_name == 'pull_request' && 'false' || 'true' }}");
    expect(root.output.github_terraform_pr_plan_role_arn!.value).toBe('${module.github_oidc.terraform_plan_pull_request_role_arn}');
  });

  it('points the plan role at the state each environment really uses', () => {
    for (const env of ['dev', 'prod']) {
      const backend = readFileSync(join(TERRAFORM_DIR, `envs/${env}.s3.tfbackend`), 'utf8');
      const tfvars = readFileSync(join(TERRAFORM_DIR, `envs/${env}.tfvars`), 'utf8');
      const value = (text: string, key: string) => new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, 'm').exec(text)?.[1];
      expect([env, value(tfvars, 'terraform_state_bucket')]).toEqual([env, value(backend, 'bucket')]);
      expect([env, value(tfvars, 'terraform_state_key')]).toEqual([env, value(backend, 'key')]);
    }
  });
});
