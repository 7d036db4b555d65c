variable "name" {
  description = "Name prefix of the alarms, topic and dashboard (e.g. picus)"
  type        = string
}

variable "alert_emails" {
  description = "Addresses subscribed to the alerts topic (each confirms by email)"
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@ ]+@[^@ ]+\\.[^@ ]+$", e))])
    error_message = "alert_emails must be email addresses."
  }
}

variable "alb_arn_suffix" {
  description = "LoadBalancer dimension of the ALB metrics"
  type        = string
}

variable "service_target_group_arn_suffix" {
  description = "TargetGroup dimension of the service target group"
  type        = string
}

variable "lambda_target_group_arn_suffix" {
  description = "TargetGroup dimension of the Lambda target group"
  type        = string
}

variable "lambda_function_name" {
  description = "FunctionName dimension of the DELETE Lambda"
  type        = string
}

variable "ecs_cluster_name" {
  description = "ClusterName dimension of the service"
  type        = string
}

variable "ecs_service_name" {
  description = "ServiceName dimension of the service"
  type        = string
}

variable "table_name" {
  description = "TableName dimension of the DynamoDB metrics"
  type        = string
}

variable "service_5xx_threshold" {
  description = "5XX responses a minute that page"
  type        = number
  default     = 10
}

variable "lambda_5xx_threshold" {
  description = "Lambda 5XX responses a minute above which it pages and rolls back a canary; above zero, so one throttled DELETE (a 503 with Retry-After) does not undo a good release"
  type        = number
  default     = 5
}

variable "latency_p99_threshold_seconds" {
  description = "p99 target response time that pages, in seconds"
  type        = number
  default     = 1
}

variable "dynamodb_error_threshold" {
  description = "DynamoDB throttled requests or system errors a minute that page"
  type        = number
  default     = 10
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
