data "aws_caller_identity" "current" {}

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
  for_each = { deploy = var.deploy_subjects, terraform = var.terraform_subjects }

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
      values   = [for subject in each.value : "repo:${var.repository}:${subject}"]
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
    sid       = "Canary"
    actions   = ["codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetDeploymentGroup", "codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"]
    resources = ["arn:aws:codedeploy:*:${data.aws_caller_identity.current.account_id}:deploymentgroup:${var.codedeploy_application_name}/*", "arn:aws:codedeploy:*:${data.aws_caller_identity.current.account_id}:application:${var.codedeploy_application_name}"]
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
# Terraform role: plan on pull requests, apply on main behind an environment approval
################################################################################

resource "aws_iam_role" "terraform" {
  name_prefix        = "${var.name}-gha-terraform-"
  assume_role_policy = data.aws_iam_policy_document.assume["terraform"].json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "terraform" {
  for_each = toset(var.terraform_policy_arns)

  role       = aws_iam_role.terraform.name
  policy_arn = each.value
}
