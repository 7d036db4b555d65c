output "table_name" {
  description = "Name of the table"
  value       = aws_dynamodb_table.this.name
}

output "stream_arn" {
  description = "ARN of the table's stream (null without stream_enabled)"
  value       = aws_dynamodb_table.this.stream_arn
}

output "table_arn" {
  description = "ARN of the table, for IAM policies"
  value       = aws_dynamodb_table.this.arn
}
