variable "name" {
  description = "Table name (the service and the Lambda read it from DYNAMODB_TABLE_NAME)"
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 characters of A-Z a-z 0-9 _ . -"
  }
}

variable "deletion_protection" {
  description = "Refuse DeleteTable (and terraform destroy) while true"
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the table; null uses the AWS-managed key"
  type        = string
  default     = null
}

variable "stream_enabled" {
  description = "Keep a stream of every write (NEW_AND_OLD_IMAGES) for the subscriptions' stream processor"
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
