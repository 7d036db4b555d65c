variable "name" {
  description = "Name prefix of the cache, the processor and its queue (e.g. picus-prod)"
  type        = string
}

variable "environment" {
  description = "Deployment stage (ENVIRONMENT of the processor)"
  type        = string
}

variable "account_id" {
  description = "The account, for the processor role's aws:SourceAccount guard"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cache and the processor"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cache and the processor"
  type        = list(string)
}

variable "service_security_group_id" {
  description = "Security group of the service's tasks, which subscribe on the bus"
  type        = string
}

variable "stream_arn" {
  description = "The items table's stream (NEW_AND_OLD_IMAGES)"
  type        = string
}

variable "zip_path" {
  description = "The stream processor's bundle (npm run build: dist/stream.zip)"
  type        = string
}

variable "architecture" {
  description = "Lambda architecture of the processor: arm64 or x86_64"
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for the processor; null reserves none (Lambda keeps 100 of the account's quota unreserved, and a new account's quota may be 10)"
  type        = number
  default     = null
}

variable "max_ecpu_per_second" {
  description = "ElastiCache Processing Units per second the bus may use at most (a publish or a delivery is about one)"
  type        = number
  default     = 5000
}

variable "log_retention_days" {
  description = "Retention of the processor's logs"
  type        = number
  default     = 30
}

variable "log_kms_key_arn" {
  description = "KMS key of the processor's log group; null: CloudWatch's own encryption"
  type        = string
  default     = null
}

variable "alarm_topic_arns" {
  description = "SNS topics the alarms notify"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
