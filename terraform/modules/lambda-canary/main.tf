data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

################################################################################
# CodeDeploy canary for the Lambda alias: 10 % more traffic every minute,
# rolled back automatically when an alarm fires or the deployment fails.
# https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-lambda
################################################################################

resource "aws_codedeploy_app" "this" {
  name             = var.name
  compute_platform = "Lambda"

  tags = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "CodeDeploy"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codedeploy.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-codedeploy-"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

# What AWS's AWSCodeDeployRoleForLambdaLimited grants, scoped to this function and its alarms
# (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambdaLimited.html):
# the managed policy's S3 reads (revisions in S3) and CodeDeployHook_* invokes are left out, as revisions are
# AppSpec content and there are no hooks.
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ShiftAlias"
    actions   = ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig", "lambda:GetFunction", "lambda:GetFunctionConfiguration"]
    resources = [var.function_arn, "${var.function_arn}:*"]
  }
  statement {
    sid       = "ReadAlarms"
    actions   = ["cloudwatch:DescribeAlarms"]
    resources = [for alarm in var.rollback_alarm_names : "arn:aws:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:${alarm}"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "shift-alias"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_codedeploy_deployment_group" "this" {
  app_name               = aws_codedeploy_app.this.name
  deployment_group_name  = "${var.name}-live"
  service_role_arn       = aws_iam_role.this.arn
  deployment_config_name = var.deployment_config_name

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  alarm_configuration {
    enabled = true
    alarms  = var.rollback_alarm_names
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  tags = var.tags
}
