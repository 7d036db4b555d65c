output "alerts_topic_arn" {
  description = "SNS topic every alarm notifies"
  value       = aws_sns_topic.alerts.arn
}

output "alarm_names" {
  description = "Every alarm's name, by purpose"
  value = merge(
    {
      service_5xx      = aws_cloudwatch_metric_alarm.service_5xx.alarm_name
      alb_5xx          = aws_cloudwatch_metric_alarm.alb_5xx.alarm_name
      unhealthy_hosts  = aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name
      no_healthy_hosts = aws_cloudwatch_metric_alarm.no_healthy_hosts.alarm_name
      latency_p99      = aws_cloudwatch_metric_alarm.latency_p99.alarm_name
      lambda_errors    = aws_cloudwatch_metric_alarm.lambda_errors.alarm_name
      lambda_5xx       = aws_cloudwatch_metric_alarm.lambda_5xx.alarm_name
      ecs_cpu          = aws_cloudwatch_metric_alarm.ecs_cpu.alarm_name
    },
    { for metric, alarm in aws_cloudwatch_metric_alarm.dynamodb : "dynamodb_${lower(metric)}" => alarm.alarm_name },
  )
}

output "lambda_rollback_alarm_names" {
  description = "The alarms that stop a Lambda canary"
  value       = [aws_cloudwatch_metric_alarm.lambda_errors.alarm_name, aws_cloudwatch_metric_alarm.lambda_5xx.alarm_name]
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard"
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
