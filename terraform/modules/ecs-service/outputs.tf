output "cluster_name" {
  description = "Name of the ECS cluster"
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster"
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "Name of the ECS service"
  value       = aws_ecs_service.this.name
}

output "service_arn" {
  description = "ARN of the ECS service"
  value       = aws_ecs_service.this.id
}

output "task_family" {
  description = "Task definition family CI registers new revisions in"
  value       = aws_ecs_task_definition.this.family
}

output "container_name" {
  description = "Name of the service container"
  value       = var.container_name
}

output "task_role_arn" {
  description = "Role the service's code runs as"
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "Role ECS uses to pull the image and write logs"
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "Log group of the containers"
  value       = aws_cloudwatch_log_group.this.name
}

output "security_group_id" {
  description = "Security group of the tasks"
  value       = aws_security_group.task.id
}
