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
  # "pull_request" whatever its branch, so only the read-only plan role trusts it; writes need "environment:production",
  # which GitHub issues only to jobs of that environment (limit it to main, with required reviewers: docs/deploy.md).
  for_each = { deploy = var.deploy_subjects, terraform_plan = var.terraform_plan_subjects, terraform_apply = var.terraform_apply_subjects }

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
    for_each = var.grant_smoke_secrets ? [var.smoke_secret_arns] : []
    content {
      sid       = "SmokeTestCredentials"
      actions   = ["secretsmanager:GetSecretValue"]
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
# Terraform plan role: read-only, for pull requests and the plan half of a main run. Plans run with -lock=false,
# so the state object is all it reads of the backend; it can change nothing, whatever a pull request edits.
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html
################################################################################

resource "aws_iam_role" "terraform_plan" {
  name_prefix        = "${var.name}-gha-tf-plan-"
  assume_role_policy = data.aws_iam_policy_document.assume["terraform_plan"].json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "terraform_plan" {
  role       = aws_iam_role.terraform_plan.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}

data "aws_iam_policy_document" "terraform_state_read" {
  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket}/${var.state_key}", "arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket}/${var.state_key}.tflock"]
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
  name   = "read-state"
  role   = aws_iam_role.terraform_plan.id
  policy = data.aws_iam_policy_document.terraform_state_read.json
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
