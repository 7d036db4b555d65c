variable "function_name" {
  description = "Function name (the original's was picus-<stage>-delete)"
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 characters of A-Z a-z 0-9 _ -"
  }
}

variable "environment" {
  description = "Stage name passed as ENVIRONMENT"
  type        = string
}

variable "zip_path" {
  description = "The bundle from npm run build (dist/lambda.zip)"
  type        = string
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)"
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Seconds before Lambda stops an invocation"
  type        = number
  default     = 10
}

variable "architecture" {
  description = "Instruction set of the function: arm64 or x86_64 (the bundle is plain JavaScript, so either runs it)"
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for, and capping, the function; null reserves none. Lambda keeps 100 of the account's quota unreserved and new accounts may have a quota of 10, so any reservation can fail there: set one only where the quota allows"
  type        = number
  default     = null
}

variable "environment_variables" {
  description = "More environment variables of the function (e.g. CORS_ORIGINS, which it must share with the service)"
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "table_name" {
  description = "DynamoDB table to delete from"
  type        = string
}

variable "table_arn" {
  description = "ARN of that table, for the DeleteItem permission"
  type        = string
}

variable "target_group_arn" {
  description = "ALB target group (target_type lambda) the alias is registered in"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's logs, in days"
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
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
