output "bus_url" {
  description = "rediss:// URL of the change bus (CHANGE_BUS_URL of the service)"
  value       = local.bus_url
}

output "cache_security_group_id" {
  description = "Security group of the change bus"
  value       = aws_security_group.cache.id
}

output "processor_function_name" {
  description = "Name of the stream processor Lambda"
  value       = aws_lambda_function.processor.function_name
}

output "dead_letter_queue_url" {
  description = "Queue of the stream records given up on (what subscribers missed)"
  value       = aws_sqs_queue.dead_letters.url
}
