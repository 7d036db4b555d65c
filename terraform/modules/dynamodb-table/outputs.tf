output "table_name" {
  description = "Name of the table"
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the table, for IAM policies"
  value       = aws_dynamodb_table.this.arn
}
