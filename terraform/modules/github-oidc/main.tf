data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  provider_arn = var.create_provider ? aws_iam_openid_connect_provider.github[0].arn : "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"
}

################################################################################
# GitHub Actions signs in with OIDC: no long-lived access keys anywhere
# https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
################################################################################

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]

  tags = var.tags
}

data "aws_iam_policy_document" "assume" {
  # Who may assume which role, by the token's subject (<subject_prefix>:<subject>, the prefix in whichever format the
  # repository's tokens use: classic repo:<owner>/<name> or immutable repo:<owner>-<id>/<name>-<id>). A pull request's job has the subject
  # "pull_request" whatever its branch, so only the pull-request plan role trusts it; writes need an environment,
  # which GitHub issues only to jobs of that environment (limit it to main, with required reviewers: docs/deploy.md).
  for_each = {
    deploy                      = var.deploy_subjects
    terraform_plan              = var.terraform_plan_subjects
    terraform_plan_pull_request = var.terraform_plan_pull_request_subjects
    terraform_apply             = var.terraform_apply_subjects
  }

  statement {
    sid     = "GitHubActions"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [for subject in each.value : "${var.subject_prefix}:${subject}"]
    }
  }
}

################################################################################
# Deploy role: push the image, roll the service, ship the Lambda through CodeDeploy
################################################################################

resource "aws_iam_role" "deploy" {
  name_prefix        = "${var.name}-gha-deploy-"
  assume_role_policy = data.aws_iam_policy_document.assume["deploy"].json

  tags = var.tags
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # no resource-level permissions
  }
  statement {
    sid = "EcrPush"
    actions = [
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:DescribeImages", "ecr:DescribeImageScanFindings",
    ]
    resources = [var.ecr_repository_arn]
  }
  statement {
    sid       = "TaskDefinitions"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"] # no resource-level permissions
  }
  statement {
    sid       = "RollService"
    actions   = ["ecs:UpdateService", "ecs:DescribeServices"]
    resources = [var.ecs_service_arn]
  }
  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = var.ecs_task_role_arns
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
  statement {
    sid       = "ShipLambda"
    actions   = ["lambda:UpdateFunctionCode", "lambda:PublishVersion", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetAlias"]
    resources = [var.lambda_function_arn, "${var.lambda_function_arn}:*"]
  }
  statement {
    sid       = "RollBackAlias"
    actions   = ["lambda:UpdateAlias"]
    resources = ["${var.lambda_function_arn}:live"] # a failed smoke test moves live back to the version it served before
  }
  statement {
    sid       = "Canary"
    actions   = ["codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetDeploymentGroup", "codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"]
    resources = ["arn:aws:codedeploy:*:${data.aws_caller_identity.current.account_id}:deploymentgroup:${var.codedeploy_application_name}/*", "arn:aws:codedeploy:*:${data.aws_caller_identity.current.account_id}:application:${var.codedeploy_application_name}"]
  }
  dynamic "statement" {
    # The smoke tests' machine client is read from Cognito (its secret is in no state and no Secrets Manager secret).
    # IAM scopes DescribeUserPoolClient to a user pool, not to a client: this pool only.
    for_each = var.grant_smoke_client_read ? [var.smoke_user_pool_arns] : []
    content {
      sid       = "SmokeTestClient"
      actions   = ["cognito-idp:DescribeUserPoolClient"]
      resources = statement.value
    }
  }
  statement {
    sid       = "CanaryConfig"
    actions   = ["codedeploy:GetDeploymentConfig"]
    resources = ["arn:aws:codedeploy:*:${data.aws_caller_identity.current.account_id}:deploymentconfig:*"]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

################################################################################
# Terraform plan roles: read-only. Two, because a pull request's job (subject "pull_request", any branch, any code
# the branch brings) must read less than the plan of reviewed code on main:
# - terraform_plan (main): ReadOnlyAccess, the state, and no data: it refreshes every resource.
# - terraform_plan_pull_request: the same, and no app client either, so its plans run with -refresh=false
#   (terraform.yml): Cognito returns a client's secret to DescribeUserPoolClient, and IAM cannot scope that action
#   below the user pool. A pull request's plan shows the change against the recorded state; main's plan, made before
#   every apply, sees drift.
# Plans run with -lock=false, so the state object is all they read of the backend; they can change nothing.
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html
################################################################################

locals {
  plan_roles   = toset(["terraform_plan", "terraform_plan_pull_request"])
  state_object = "arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket}/${var.state_key}"
}

resource "aws_iam_role" "terraform_plan" {
  for_each = local.plan_roles

  name_prefix        = each.key == "terraform_plan" ? "${var.name}-gha-tf-plan-" : "${var.name}-gha-tf-pr-plan-"
  assume_role_policy = data.aws_iam_policy_document.assume[each.key].json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "terraform_plan" {
  for_each = local.plan_roles

  role       = aws_iam_role.terraform_plan[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}

data "aws_iam_policy_document" "terraform_state_read" {
  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = [local.state_object, "${local.state_object}.tflock"]
  }
  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket}"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.state_key, "${var.state_key}.tflock"]
    }
  }
}

resource "aws_iam_role_policy" "terraform_state_read" {
  for_each = local.plan_roles

  name   = "read-state"
  role   = aws_iam_role.terraform_plan[each.key].id
  policy = data.aws_iam_policy_document.terraform_state_read.json
}

# ReadOnlyAccess reads data as well as configuration: every object in every bucket, items, log events, secret values.
# An explicit deny outweighs any allow, so what a plan cannot read stays unreadable whatever is attached later.
data "aws_iam_policy_document" "terraform_plan_no_data" {
  for_each = local.plan_roles

  statement {
    sid           = "NoObjectsButTheState"
    effect        = "Deny"
    actions       = ["s3:GetObject*"] # GetObject, GetObjectVersion, and the rest of an object
    not_resources = [local.state_object, "${local.state_object}.tflock"]
  }
  statement {
    sid    = "NoData"
    effect = "Deny"
    actions = [
      "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect",
      "dynamodb:GetRecords", "dynamodb:GetShardIterator",
      "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:StartLiveTail", "logs:GetLogRecord",
      "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
      "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
      "cognito-idp:AdminGetUser", "cognito-idp:ListUsers", "cognito-idp:ListUsersInGroup",
    ]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = each.key == "terraform_plan_pull_request" ? [1] : []
    content {
      sid       = "NoClientSecrets"
      effect    = "Deny"
      actions   = ["cognito-idp:DescribeUserPoolClient"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "terraform_plan_no_data" {
  for_each = local.plan_roles

  name   = "no-data"
  role   = aws_iam_role.terraform_plan[each.key].id
  policy = data.aws_iam_policy_document.terraform_plan_no_data[each.key].json
}

# The role that existed before the pull-request role split off keeps its address (and so its ARN in GitHub).
moved {
  from = aws_iam_role.terraform_plan
  to   = aws_iam_role.terraform_plan["terraform_plan"]
}

moved {
  from = aws_iam_role_policy_attachment.terraform_plan
  to   = aws_iam_role_policy_attachment.terraform_plan["terraform_plan"]
}

moved {
  from = aws_iam_role_policy.terraform_state_read
  to   = aws_iam_role_policy.terraform_state_read["terraform_plan"]
}

################################################################################
# Terraform apply role: creates IAM roles and everything else, so it is broad; only the production environment
# (main, after a reviewer approved the uploaded plan) may assume it.
################################################################################

resource "aws_iam_role" "terraform_apply" {
  name_prefix        = "${var.name}-gha-tf-apply-"
  assume_role_policy = data.aws_iam_policy_document.assume["terraform_apply"].json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "terraform_apply" {
  for_each = toset(var.terraform_apply_policy_arns)

  role       = aws_iam_role.terraform_apply.name
  policy_arn = each.value
}
