output "function_name" {
  description = "Name of the function"
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the function"
  value       = aws_lambda_function.this.arn
}

output "alias_name" {
  description = "Alias the ALB invokes and CodeDeploy shifts"
  value       = aws_lambda_alias.live.name
}

output "alias_arn" {
  description = "ARN of the live alias, the ALB target"
  value       = aws_lambda_alias.live.arn
}

output "role_arn" {
  description = "Execution role of the function"
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Log group of the function"
  value       = aws_cloudwatch_log_group.this.name
}
