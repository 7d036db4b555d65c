variable "name" {
  description = "Name prefix of the roles (e.g. picus)"
  type        = string
}

variable "repository" {
  description = "GitHub repository as owner/name"
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be owner/name."
  }
}

variable "create_provider" {
  description = "Create the account's GitHub OIDC provider (false when it exists already: one per account)"
  type        = bool
  default     = true
}

variable "deploy_subjects" {
  description = "Token subjects (after repo:owner/name:) that may assume the deploy role"
  type        = list(string)
  default     = ["ref:refs/heads/main", "environment:production"]
  nullable    = false
}

variable "terraform_subjects" {
  description = "Token subjects that may assume the Terraform role (pull requests plan, the production environment applies)"
  type        = list(string)
  default     = ["pull_request", "environment:production"]
  nullable    = false
}

variable "terraform_policy_arns" {
  description = "Managed policies of the Terraform role; it creates IAM roles, so it needs broad rights: keep it behind environment approval"
  type        = list(string)
  default     = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  nullable    = false
}

variable "ecr_repository_arn" {
  description = "Repository the deploy role pushes to"
  type        = string
}

variable "ecs_service_arn" {
  description = "Service the deploy role rolls"
  type        = string
}

variable "ecs_task_role_arns" {
  description = "Task and execution roles a new task definition may use"
  type        = list(string)
}

variable "lambda_function_arn" {
  description = "Unqualified ARN of the DELETE Lambda"
  type        = string
}

variable "codedeploy_application_name" {
  description = "CodeDeploy application of the Lambda canary"
  type        = string
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
