variable "name" {
  description = "Name of the CodeDeploy application (and prefix of its group and role)"
  type        = string
}

variable "function_arn" {
  description = "Unqualified ARN of the function whose alias is shifted"
  type        = string
}

variable "deployment_config_name" {
  description = "CodeDeploy Lambda deployment configuration"
  type        = string
  default     = "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"

  validation {
    condition     = can(regex("^CodeDeployDefault\\.Lambda", var.deployment_config_name))
    error_message = "deployment_config_name must be a Lambda configuration, e.g. CodeDeployDefault.LambdaLinear10PercentEvery1Minute."
  }
}

variable "rollback_alarm_names" {
  description = "Alarms that stop and roll back a deployment (Lambda errors, Lambda target group 5XX)"
  type        = list(string)

  validation {
    condition     = length(var.rollback_alarm_names) > 0
    error_message = "A canary without alarms never rolls back: give at least one alarm."
  }
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
