variable "name" {
  description = "Name prefix of the roles (e.g. picus)"
  type        = string
}

variable "subject_prefix" {
  description = "The repository's OIDC subject prefix, copied from GitHub (docs/deploy.md says how to read it): repo:<owner>/<name> for repositories on the classic format, or the immutable format with the owner and repository IDs, repo:<owner>-<owner_id>/<name>-<repo_id>, which every repository created, renamed or transferred since 2026-06-18 gets (GitHub changelog 2026-04-23)"
  type        = string

  validation {
    # Both formats, and the @ delimiter GitHub's draft documentation shows (github/docs#45221) in case it lands so.
    condition     = can(regex("^repo:[A-Za-z0-9_.-]+(@[0-9]+)?/[A-Za-z0-9_.-]+(@[0-9]+)?$", var.subject_prefix))
    error_message = "subject_prefix must be the prefix GitHub puts in the token's sub: repo:<owner>/<name>, or repo:<owner>-<owner_id>/<name>-<repo_id> for a repository created since 2026-06-18 (read it from GitHub: docs/deploy.md)."
  }
}

variable "create_provider" {
  description = "Create the account's GitHub OIDC provider. An account holds one provider per URL: where one exists already (another project made it), set false, or the first apply fails with EntityAlreadyExists"
  type        = bool
  default     = true
}

variable "deploy_subjects" {
  description = "Token subjects (after repo:owner/name:) that may assume the deploy role: only jobs of the production environment deploy"
  type        = list(string)
  default     = ["environment:production"]
  nullable    = false

  validation {
    condition     = alltrue([for s in var.deploy_subjects : startswith(s, "environment:")])
    error_message = "deploy_subjects must be environment subjects (environment:<name>): a branch or pull_request subject would let unreviewed jobs deploy."
  }
}

variable "terraform_plan_subjects" {
  description = "Token subjects that may assume the plan role of reviewed code, which refreshes app clients: the plan job of a main run (no environment)"
  type        = list(string)
  default     = ["ref:refs/heads/main"]
  nullable    = false

  validation {
    condition     = !contains(var.terraform_plan_subjects, "pull_request")
    error_message = "terraform_plan_subjects may not hold pull_request: pull requests get the plan role of their own (terraform_plan_pull_request_subjects), which reads no app client."
  }
}

variable "terraform_plan_pull_request_subjects" {
  description = "Token subjects that may assume the pull-request plan role (read-only, no data, no app client; its plans run with -refresh=false)"
  type        = list(string)
  default     = ["pull_request"]
  nullable    = false
}

variable "terraform_apply_subjects" {
  description = "Token subjects that may assume the apply role; only environments, so every apply passes the environment's reviewers. An environment of its own (production-infrastructure), never the deploy jobs' production: they run npm ci, and a compromised dependency there must not reach the administrator role"
  type        = list(string)
  default     = ["environment:production-infrastructure"]
  nullable    = false

  validation {
    condition     = alltrue([for s in var.terraform_apply_subjects : startswith(s, "environment:")])
    error_message = "terraform_apply_subjects must be environment subjects (environment:<name>): never pull_request or a branch."
  }
}

variable "terraform_apply_policy_arns" {
  description = "Managed policies of the apply role; it creates IAM roles, so it needs broad rights, which is why only an approved environment job gets it"
  type        = list(string)
  default     = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  nullable    = false
}

variable "state_bucket" {
  description = "S3 bucket of the Terraform state (the bucket in envs/<env>.s3.tfbackend); the plan role reads the state there"
  type        = string
}

variable "state_key" {
  description = "Key of the state object in state_bucket (the key in envs/<env>.s3.tfbackend); its lock file is <key>.tflock"
  type        = string
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

variable "smoke_user_pool_arns" {
  description = "User pools where the deploy role may read its smoke-test machine client (DescribeUserPoolClient); empty: none"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "grant_smoke_client_read" {
  description = "Whether smoke_user_pool_arns holds anything (a plan-time bool: the ARNs themselves are only known after apply)"
  type        = bool
  default     = false
}
