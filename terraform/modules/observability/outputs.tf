output "alerts_topic_arn" {
  description = "SNS topic every alarm notifies"
  value       = aws_sns_topic.alerts.arn
}

output "alarm_names" {
  description = "Every alarm's name, by purpose"
  value = merge(
    { for key, alarm in aws_cloudwatch_metric_alarm.metric : key => alarm.alarm_name },
    { for metric, alarm in aws_cloudwatch_metric_alarm.dynamodb : "dynamodb-${lower(metric)}" => alarm.alarm_name },
  )
}

output "lambda_rollback_alarm_names" {
  description = "The alarms that stop a Lambda canary"
  value       = [for key in ["lambda-errors", "lambda-target-5xx", "lambda-user-error"] : aws_cloudwatch_metric_alarm.metric[key].alarm_name]
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard"
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
