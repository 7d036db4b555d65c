variable "name" {
  description = "Name prefix for every resource (e.g. picus)"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets"
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC, where the service targets live"
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets in at least two availability zones"
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An ALB needs subnets in at least two availability zones."
  }
}

variable "enable_https" {
  description = "Serve HTTPS on 443 (with certificate_arn) and redirect HTTP to it; false serves plain HTTP on port 80. A plain bool, so counts are known at plan time even while the certificate is still being issued"
  type        = bool
  default     = false
  nullable    = false
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listener; required when enable_https is true (it may be unknown until apply)"
  type        = string
  default     = null

  validation {
    condition     = !var.enable_https || var.certificate_arn != null
    error_message = "certificate_arn is required when enable_https is true."
  }
}

variable "enable_jwt_validation" {
  description = "Check bearer tokens at the edge: the HTTPS listener's rules run jwt-validation (scope per rule, from listener-rules.json) before forwarding. Ignored without HTTPS, where the ALB cannot; the targets verify in any case"
  type        = bool
  default     = false
  nullable    = false
}

variable "jwt_issuer" {
  description = "iss of accepted tokens, for jwt-validation"
  type        = string
  default     = null

  validation {
    condition     = !var.enable_jwt_validation || var.jwt_issuer != null
    error_message = "jwt_issuer is required when enable_jwt_validation is true."
  }
}

variable "jwt_jwks_endpoint" {
  description = "The issuer's JWKS (public, HTTPS, at most 10 keys and 150 KB), for jwt-validation"
  type        = string
  default     = null

  validation {
    condition     = !var.enable_jwt_validation || var.jwt_jwks_endpoint != null
    error_message = "jwt_jwks_endpoint is required when enable_jwt_validation is true."
  }
}

variable "target_port" {
  description = "Port the service containers listen on"
  type        = number
  default     = 8000
}

variable "health_check" {
  description = "Health check of the service target group (path must answer 200 without touching DynamoDB)"
  type = object({
    path                = optional(string, "/health")
    interval            = optional(number, 30)
    timeout             = optional(number, 5)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 3)
  })
  default  = {}
  nullable = false
}

variable "deregistration_delay" {
  description = "Seconds a draining service target keeps its in-flight requests; ECS sends SIGTERM after it"
  type        = number
  default     = 30

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "deregistration_delay must be 0 to 3600 seconds."
  }
}

variable "idle_timeout" {
  description = "ALB idle timeout in seconds; the service's keep-alive (65 s) must stay above it"
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout < 65
    error_message = "idle_timeout must be below the service's 65 s keep-alive timeout."
  }
}

variable "lambda_multi_value_headers" {
  description = "Send multi-value headers and query strings to the Lambda target"
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer while true"
  type        = bool
  default     = false
}

variable "access_logs_bucket" {
  description = "S3 bucket for ALB access logs; null disables them"
  type        = string
  default     = null
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes before WAF blocks it; null attaches no WAF"
  type        = number
  default     = null

  validation {
    condition     = var.waf_rate_limit == null ? true : var.waf_rate_limit >= 10
    error_message = "waf_rate_limit must be at least 10 (the WAF minimum) or null."
  }
}

variable "waf_log_retention_days" {
  description = "Retention of the WAF log group, in days"
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.waf_log_retention_days)
    error_message = "waf_log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key for the WAF log group; null uses CloudWatch's default encryption"
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
