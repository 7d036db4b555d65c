variable "name" {
  description = "Name prefix for roles, security groups and policies (e.g. picus)"
  type        = string
}

variable "environment" {
  description = "Stage name passed to the container as ENVIRONMENT"
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster name"
  type        = string
}

variable "service_name" {
  description = "ECS service name"
  type        = string
}

variable "task_family" {
  description = "Task definition family"
  type        = string
}

variable "container_name" {
  description = "Name of the service container in the task definition"
  type        = string
}

variable "repository_url" {
  description = "ECR repository of the service image"
  type        = string
}

variable "image_tag" {
  description = "A tag that exists in repository_url; null (no image yet) creates the service with no tasks and no autoscaling. Later images are deployed by CI"
  type        = string
  default     = null
}

variable "container_port" {
  description = "Port the service listens on (PORT)"
  type        = number
  default     = 8000
}

variable "cpu_architecture" {
  description = "Fargate CPU architecture of the task; the image must be built for it"
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "task_cpu" {
  description = "Task CPU units"
  type        = number
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.task_cpu)
    error_message = "task_cpu must be a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "task_memory" {
  description = "Task memory in MiB (must fit task_cpu's Fargate range)"
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Tasks at start and the autoscaling minimum; at least 2 so both availability zones serve"
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 2
    error_message = "desired_count must be at least 2 (one task per availability zone)."
  }
}

variable "max_count" {
  description = "Autoscaling maximum"
  type        = number
  default     = 6
}

variable "cpu_target" {
  description = "Average CPU utilisation (percent) autoscaling keeps the service at"
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "ALB requests per target per minute autoscaling keeps the service at"
  type        = number
  default     = 3000
}

variable "health_check_grace_period" {
  description = "Seconds ECS ignores failing ALB health checks of a new task"
  type        = number
  default     = 60
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL; covers SHUTDOWN_DELAY_MS (5 s) plus SHUTDOWN_GRACE_MS (15 s) with margin"
  type        = number
  default     = 30

  validation {
    condition     = var.stop_timeout >= 25 && var.stop_timeout <= 120
    error_message = "stop_timeout must be 25 to 120 seconds (Fargate maximum 120; the drain needs 20)."
  }
}

variable "environment_variables" {
  description = "Extra environment variables for the container (e.g. CORS_ORIGINS)"
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "delete_function_alias_arn" {
  description = "The DELETE Lambda's live alias: the only function the service may invoke (GraphQL deleteItem)"
  type        = string
}

variable "table_name" {
  description = "DynamoDB table the service reads and writes"
  type        = string
}

variable "table_arn" {
  description = "ARN of that table, for the task role"
  type        = string
}

variable "ecr_repository_arn" {
  description = "Repository the execution role may pull from"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks"
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets the tasks run in, across availability zones"
  type        = list(string)
}

variable "alb_security_group_id" {
  description = "Security group of the ALB, the only source allowed into the tasks"
  type        = string
}

variable "target_group_arn" {
  description = "ALB target group of the service"
  type        = string
}

variable "alb_arn_suffix" {
  description = "ALB ARN suffix, for the requests-per-target scaling metric"
  type        = string
}

variable "target_group_arn_suffix" {
  description = "Target group ARN suffix, for the requests-per-target scaling metric"
  type        = string
}

variable "log_group_name" {
  description = "CloudWatch log group of the containers"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the container logs, in days"
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_buffer_size" {
  description = "Buffer of the awslogs driver in non-blocking mode (Docker size, e.g. 25m); lines beyond it are dropped, never waited for"
  type        = string
  default     = "25m"

  validation {
    condition     = can(regex("^[1-9][0-9]*[kmg]$", var.log_buffer_size))
    error_message = "log_buffer_size must be a size such as 512k, 25m or 1g."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key for the log group; null uses CloudWatch's default encryption"
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "container_insights" {
  description = "Container Insights on the cluster: per-task CPU, memory and network metrics, billed as CloudWatch custom metrics and log ingestion (docs/deploy.md, Cost)"
  type        = bool
  default     = true
}
