data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  alb        = { LoadBalancer = var.alb_arn_suffix }
  service_tg = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.service_target_group_arn_suffix }
  lambda_tg  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.lambda_target_group_arn_suffix }
  ecs        = { ClusterName = var.ecs_cluster_name, ServiceName = var.ecs_service_name }
  # ThrottledRequests and SystemErrors are reported per table AND operation: sum the operations the code uses, every
  # command app/core/items/dynamo-item-store.ts sends (a unit test holds the two together; UpdateItem was missing, so
  # throttled PUTs and updateItems raised no alarm).
  table_operations = ["GetItem", "BatchGetItem", "PutItem", "UpdateItem", "Scan", "DeleteItem"]
  alarm_actions    = [aws_sns_topic.alerts.arn]
}

################################################################################
# Alerts topic, encrypted with a key CloudWatch may use (the original's aws/sns key silently dropped every alarm)
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-encryption
################################################################################

data "aws_iam_policy_document" "alerts_key" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${local.account_id}:root"]
    }
  }
  statement {
    sid       = "CloudWatchPublishesAlarms"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "alerts" {
  description         = "${var.name} alerts topic"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.alerts_key.json

  tags = var.tags
}

resource "aws_kms_alias" "alerts" {
  name          = "alias/${var.name}-alerts"
  target_key_id = aws_kms_key.alerts.key_id
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-critical-alerts"
  display_name      = "${var.name} critical alerts"
  kms_master_key_id = aws_kms_key.alerts.arn

  tags = var.tags
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

################################################################################
# Alarms on metrics that exist, with the dimensions they are published under
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
################################################################################

locals {
  # One row per alarm on a single metric; every row names the dimensions its metric is published under.
  metric_alarms = {
    service-5xx = {
      description = "The service answered more than ${var.service_5xx_threshold} 5XX responses a minute for 2 minutes."
      namespace   = "AWS/ApplicationELB", metric = "HTTPCode_Target_5XX_Count", dimensions = local.service_tg
      statistic   = "Sum", periods = 2, threshold = var.service_5xx_threshold, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
    alb-5xx = {
      description = "The load balancer itself answered 5XX (502/503/504: no healthy target, target errors or timeouts)."
      namespace   = "AWS/ApplicationELB", metric = "HTTPCode_ELB_5XX_Count", dimensions = local.alb
      statistic   = "Sum", periods = 2, threshold = var.service_5xx_threshold, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
    unhealthy-hosts = {
      description = "At least one service task has failed ALB health checks for 3 minutes."
      namespace   = "AWS/ApplicationELB", metric = "UnHealthyHostCount", dimensions = local.service_tg
      statistic   = "Maximum", periods = 3, threshold = 0, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
    no-healthy-hosts = {
      description = "Zero healthy service tasks: the API is down."
      namespace   = "AWS/ApplicationELB", metric = "HealthyHostCount", dimensions = local.service_tg
      # No datapoint here means no healthy target reports.
      statistic = "Minimum", periods = 2, threshold = 1, comparison = "LessThanThreshold", missing = "breaching"
    }
    latency-p99 = {
      description = "p99 target response time above ${var.latency_p99_threshold_seconds} s for 5 minutes."
      namespace   = "AWS/ApplicationELB", metric = "TargetResponseTime", dimensions = local.service_tg
      statistic   = "p99", periods = 5, threshold = var.latency_p99_threshold_seconds, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
    lambda-errors = {
      description = "The DELETE Lambda threw (crashed or timed out); also stops its canary."
      namespace   = "AWS/Lambda", metric = "Errors", dimensions = { FunctionName = var.lambda_function_name }
      statistic   = "Sum", periods = 1, threshold = 0, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
    lambda-user-error = {
      description = "The ALB could not use the DELETE Lambda's answer (malformed response, over 1 MB, no permission): the client got an ALB 502. Not counted as target 5XX nor as Lambda Errors; also stops its canary."
      namespace   = "AWS/ApplicationELB", metric = "LambdaUserError", dimensions = local.lambda_tg
      statistic   = "Sum", periods = 1, threshold = 0, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
    lambda-target-5xx = {
      description = "The DELETE Lambda answered more than ${var.lambda_5xx_threshold} 5XX a minute (DynamoDB failures are answered, not thrown); also stops its canary."
      namespace   = "AWS/ApplicationELB", metric = "HTTPCode_Target_5XX_Count", dimensions = local.lambda_tg
      statistic   = "Sum", periods = 1, threshold = var.lambda_5xx_threshold, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
    ecs-cpu = {
      description = "Service CPU above 90 % for 5 minutes: autoscaling is at its maximum or not keeping up."
      namespace   = "AWS/ECS", metric = "CPUUtilization", dimensions = local.ecs
      statistic   = "Average", periods = 5, threshold = 90, comparison = "GreaterThanThreshold", missing = "notBreaching"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.metric_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = startswith(each.value.statistic, "p") ? null : each.value.statistic
  extended_statistic  = startswith(each.value.statistic, "p") ? each.value.statistic : null
  period              = 60
  evaluation_periods  = each.value.periods
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  treat_missing_data  = each.value.missing
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dynamodb" {
  for_each = toset(["ThrottledRequests", "SystemErrors"])

  alarm_name          = "${var.name}-dynamodb-${lower(each.value)}"
  alarm_description   = "DynamoDB ${each.value} on ${var.table_name}, summed over the operations the code uses."
  evaluation_periods  = 1
  threshold           = var.dynamodb_error_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "total"
    expression  = "SUM([${join(",", [for i, _ in local.table_operations : "m${i}"])}])"
    label       = "${each.value} (all operations)"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.table_operations
    content {
      id = "m${metric_query.key}"
      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = each.value
        dimensions  = { TableName = var.table_name, Operation = metric_query.value }
        stat        = "Sum"
        period      = 60
      }
    }
  }

  tags = var.tags
}

# ecs-cpu used to be defined twice (this table's row and a resource of its own with the same alarm name). The row
# owns it now; the old resource leaves the state without being destroyed, so the alarm is never deleted in between.
removed {
  from = aws_cloudwatch_metric_alarm.ecs_cpu

  lifecycle {
    destroy = false
  }
}

################################################################################
# Dashboard: every widget names its dimensions from the resources, nothing hard-coded
################################################################################

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.name}-dashboard"
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title       = "Service latency (p50, p95, p99)", region = local.region, view = "timeSeries", period = 60
          metrics     = [for p in ["p50", "p95", "p99"] : ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.service_target_group_arn_suffix, { stat = p, label = p }]]
          annotations = { horizontal = [{ label = "p99 alarm", value = var.latency_p99_threshold_seconds }] }
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title = "Requests and 5XX", region = local.region, view = "timeSeries", period = 60, stat = "Sum"
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.alb_arn_suffix],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.service_target_group_arn_suffix, { label = "service 5XX" }],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.lambda_target_group_arn_suffix, { label = "lambda 5XX" }],
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { label = "ALB 5XX" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title = "Service targets", region = local.region, view = "timeSeries", period = 60, stat = "Minimum"
          metrics = [
            ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.service_target_group_arn_suffix],
            ["AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.service_target_group_arn_suffix, { stat = "Maximum" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title = "ECS CPU and memory", region = local.region, view = "timeSeries", period = 60, stat = "Average"
          metrics = [
            ["AWS/ECS", "CPUUtilization", "ClusterName", var.ecs_cluster_name, "ServiceName", var.ecs_service_name],
            ["AWS/ECS", "MemoryUtilization", "ClusterName", var.ecs_cluster_name, "ServiceName", var.ecs_service_name],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title = "DELETE Lambda", region = local.region, view = "timeSeries", period = 60, stat = "Sum"
          metrics = [
            ["AWS/Lambda", "Invocations", "FunctionName", var.lambda_function_name],
            ["AWS/Lambda", "Errors", "FunctionName", var.lambda_function_name],
            ["AWS/Lambda", "Throttles", "FunctionName", var.lambda_function_name],
            ["AWS/Lambda", "Duration", "FunctionName", var.lambda_function_name, { stat = "p99", yAxis = "right" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title   = "DynamoDB latency by operation", region = local.region, view = "timeSeries", period = 60, stat = "Average"
          metrics = [for op in local.table_operations : ["AWS/DynamoDB", "SuccessfulRequestLatency", "TableName", var.table_name, "Operation", op]]
        }
      },
    ]
  })
}
