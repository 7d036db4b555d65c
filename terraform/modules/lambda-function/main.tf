data "aws_caller_identity" "current" {}

################################################################################
# Logs and role: DeleteItem on the table and its own log group, nothing else
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "Lambda"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.function_name}-"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DeleteItems"
    actions   = ["dynamodb:DeleteItem"]
    resources = [var.table_arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "delete-items-and-log"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Function, published version and the `live` alias the ALB invokes
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html
################################################################################

resource "aws_lambda_function" "this" {
  function_name    = var.function_name
  description      = "DELETE /picus/{key} behind the ALB"
  role             = aws_iam_role.this.arn
  runtime          = "nodejs24.x"
  architectures    = [var.architecture]
  handler          = "handler.handler"
  filename         = var.zip_path
  source_code_hash = filebase64sha256(var.zip_path)
  memory_size      = var.memory_size
  timeout          = var.timeout
  publish          = true

  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    variables = merge({
      DYNAMODB_TABLE_NAME = var.table_name
      NODE_ENV            = "production"
      ENVIRONMENT         = var.environment
      LOG_LEVEL           = "info"
      # A failing DynamoDB call should answer 503 well inside the function timeout.
      DYNAMODB_MAX_ATTEMPTS = "3"
    }, var.environment_variables)
  }

  logging_config {
    log_format = "Text" # the handler already writes JSON lines
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    # After the first apply, code ships through CI and CodeDeploy (deploy-lambda.yml), not terraform apply.
    ignore_changes = [filename, source_code_hash]
  }
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version

  lifecycle {
    # CodeDeploy moves the alias (and its weights) during canaries.
    ignore_changes = [function_version, routing_config]
  }
}

################################################################################
# ALB wiring: the permission and the target are the alias, so ALB traffic follows canaries
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
################################################################################

resource "aws_lambda_permission" "alb" {
  statement_id   = "AllowInvokeFromAlbTargetGroup"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  qualifier      = aws_lambda_alias.live.name
  principal      = "elasticloadbalancing.amazonaws.com"
  source_arn     = var.target_group_arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_lb_target_group_attachment" "this" {
  target_group_arn = var.target_group_arn
  target_id        = aws_lambda_alias.live.arn

  depends_on = [aws_lambda_permission.alb]
}
