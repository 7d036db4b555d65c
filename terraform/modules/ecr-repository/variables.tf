variable "name" {
  description = "Repository name"
  type        = string
}

variable "images_to_keep" {
  description = "How many images the lifecycle policy keeps"
  type        = number
  default     = 10

  validation {
    condition     = var.images_to_keep >= 1
    error_message = "images_to_keep must be at least 1."
  }
}

variable "kms_key_arn" {
  description = "KMS key for image encryption; null uses AES256"
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
