data "aws_partition" "current" {}

locals {
  # ElastiCache Serverless listens on 6379 and only with TLS (rediss://).
  # https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/serverless-connecting.html
  port    = 6379
  bus_url = "rediss://${aws_elasticache_serverless_cache.this.endpoint[0].address}:${local.port}"
}

################################################################################
# The change bus: ElastiCache Serverless for Valkey, whose pub/sub carries each item change to the subscribers of
# every task. In the private subnets, reachable only from the service's tasks and the processor.
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/WhatIs.corecomponents.html
################################################################################

resource "aws_security_group" "cache" {
  name_prefix = "${var.name}-changes-"
  description = "The change bus (Valkey): Redis protocol over TLS from the service tasks and the stream processor"
  vpc_id      = var.vpc_id

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # Who may speak to the bus: the service's tasks and the processor (a fixed set, so no for_each waits on group ids).
  bus_clients = {
    service   = var.service_security_group_id
    processor = aws_security_group.processor.id
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_clients" {
  for_each = local.bus_clients

  security_group_id            = aws_security_group.cache.id
  description                  = "Redis protocol from the ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_egress_rule" "clients_to_bus" {
  for_each = local.bus_clients

  security_group_id            = each.value
  description                  = "Redis protocol to the change bus"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.cache.id
}

resource "aws_elasticache_serverless_cache" "this" {
  name                 = "${var.name}-changes"
  engine               = "valkey"
  major_engine_version = "8"
  description          = "Item changes of ${var.name}, fanned out to every task's subscribers (pub/sub only: nothing is stored)"
  subnet_ids           = var.subnet_ids
  security_group_ids   = [aws_security_group.cache.id]

  # Pub/sub keeps no data; the limits bound what a runaway publisher can cost.
  cache_usage_limits {
    data_storage {
      maximum = 1
      unit    = "GB"
    }
    ecpu_per_second {
      maximum = var.max_ecpu_per_second
    }
  }

  tags = var.tags
}

################################################################################
# The stream processor: the table's stream (every writer: the service, the DELETE Lambda, any tool) to the bus.
# Bounded retries, batches split on failure, records older than a minute dropped to the dead-letter queue: a
# subscriber wants a change now or not at all, and the stream must not stall behind one bad record.
# https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
################################################################################

resource "aws_security_group" "processor" {
  name_prefix = "${var.name}-changes-processor-"
  description = "The stream processor: to the change bus, and HTTPS to the AWS APIs (streams, logs)"
  vpc_id      = var.vpc_id

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "processor_https" {
  security_group_id = aws_security_group.processor.id
  description       = "HTTPS to DynamoDB Streams and CloudWatch Logs (through the NAT gateway)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_cloudwatch_log_group" "processor" {
  name              = "/aws/lambda/${var.name}-changes"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "processor" {
  name_prefix        = "${var.name}-changes-"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "processor" {
  statement {
    sid       = "ReadTheStream"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    resources = [var.stream_arn]
  }
  statement {
    sid       = "ListStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"] # no resource-level permissions
  }
  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letters.arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.processor.arn}:*"]
  }
  statement {
    # A function in a VPC needs its network interfaces (what AWSLambdaVPCAccessExecutionRole grants); these calls have
    # no resource-level permissions.
    sid       = "NetworkInterfaces"
    actions   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "processor" {
  name   = "stream-to-bus"
  role   = aws_iam_role.processor.id
  policy = data.aws_iam_policy_document.processor.json
}

resource "aws_sqs_queue" "dead_letters" {
  name                      = "${var.name}-changes-dead-letters"
  message_retention_seconds = 1209600 # 14 days: the records' metadata, to see what subscribers missed
  sqs_managed_sse_enabled   = true

  tags = var.tags
}

resource "aws_lambda_function" "processor" {
  function_name    = "${var.name}-changes"
  description      = "DynamoDB Streams of the items table -> the change bus (subscriptions)"
  role             = aws_iam_role.processor.arn
  runtime          = "nodejs24.x"
  architectures    = [var.architecture]
  handler          = "handler.handler"
  filename         = var.zip_path
  source_code_hash = filebase64sha256(var.zip_path)
  memory_size      = 256
  timeout          = 30
  # One batch per shard at a time already bounds it; a reservation can fail on a new account's quota (see the variable).
  reserved_concurrent_executions = var.reserved_concurrency

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.processor.id]
  }

  environment {
    variables = {
      NODE_ENV       = "production"
      ENVIRONMENT    = var.environment
      CHANGE_BUS_URL = local.bus_url
      # It serves no requests: no token issuer to configure.
      AUTH_MODE = "off"
      LOG_LEVEL = "info"
    }
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.processor.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.processor]
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn                   = var.stream_arn
  function_name                      = aws_lambda_function.processor.arn
  starting_position                  = "LATEST"
  batch_size                         = 100
  maximum_batching_window_in_seconds = 0
  parallelization_factor             = 1 # one batch per shard at a time: each item's changes stay in order
  maximum_retry_attempts             = 3
  maximum_record_age_in_seconds      = 60
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.dead_letters.arn
    }
  }
}

################################################################################
# Alarms: the stream falling behind (subscribers hear late), changes given up on, and the bus refusing commands.
################################################################################

locals {
  alarms = {
    iterator-age = {
      description = "The stream processor is more than 5 s behind the table: subscribers hear of writes late."
      namespace   = "AWS/Lambda", metric = "IteratorAge", dimensions = { FunctionName = aws_lambda_function.processor.function_name }
      statistic   = "Maximum", periods = 3, threshold = 5000
    }
    dead-letters = {
      description = "Changes were given up on after retries: some subscribers missed them (the queue says which records)."
      namespace   = "AWS/SQS", metric = "ApproximateNumberOfMessagesVisible", dimensions = { QueueName = aws_sqs_queue.dead_letters.name }
      statistic   = "Maximum", periods = 1, threshold = 0
    }
    bus-throttled = {
      description = "The change bus throttled commands (its ECPU limit, or scaling slower than the load): changes are delayed."
      namespace   = "AWS/ElastiCache", metric = "ThrottledCmds", dimensions = { clusterId = aws_elasticache_serverless_cache.this.name }
      statistic   = "Sum", periods = 2, threshold = 0
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-changes-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.periods
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  ok_actions          = var.alarm_topic_arns

  tags = var.tags
}
