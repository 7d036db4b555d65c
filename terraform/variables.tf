variable "aws_region" {
  description = "Region of every resource"
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))
    error_message = "aws_region must look like us-east-1."
  }
}

variable "environment" {
  description = "Stage: dev or prod (one AWS account per stage; resource names carry the project name)"
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "project_name" {
  description = "Prefix of resource names: picus gives picus-cluster, picus-service, picus-app, /ecs/picus"
  type        = string
  default     = "picus"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project_name))
    error_message = "project_name must be 2-21 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "dynamodb_table_name" {
  description = "Items table (the original's name, so existing data keeps working)"
  type        = string
  default     = "picus-data"
}

variable "vpc_cidr" {
  description = "CIDR of the VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "public_subnet_cidrs" {
  description = "Public subnets, one per availability zone"
  type        = list(string)
  default     = ["10.0.1.0/24", "10.0.2.0/24"]
}

variable "private_subnet_cidrs" {
  description = "Private subnets, one per availability zone"
  type        = list(string)
  default     = ["10.0.11.0/24", "10.0.12.0/24"]
}

variable "single_nat_gateway" {
  description = "One NAT gateway (cheaper) instead of one per availability zone"
  type        = bool
  default     = true
}

variable "enable_flow_logs" {
  description = "VPC flow logs to CloudWatch Logs (billed per GB ingested; docs/deploy.md, Cost)"
  type        = bool
  default     = true
}

variable "container_insights" {
  description = "Container Insights on the ECS cluster (billed as custom metrics and log ingestion; docs/deploy.md, Cost)"
  type        = bool
  default     = true
}

variable "container_port" {
  description = "Port of the service container"
  type        = number
  default     = 8000
}

variable "ecs_task_cpu" {
  description = "Task CPU units"
  type        = number
  default     = 512
}

variable "ecs_task_memory" {
  description = "Task memory in MiB"
  type        = number
  default     = 1024
}

variable "ecs_desired_count" {
  description = "Tasks at start and autoscaling minimum (at least 2, across availability zones)"
  type        = number
  default     = 2

  validation {
    condition     = var.ecs_desired_count >= 2
    error_message = "ecs_desired_count must be at least 2."
  }
}

variable "ecs_max_count" {
  description = "Autoscaling maximum"
  type        = number
  default     = 6
}

variable "image_tag" {
  description = "An image tag that exists in the ECR repository. null on a new account (no image pushed yet): the service is created with no tasks and no autoscaling, so nothing crash-loops; after the first deploy pushed an image, set the tag it printed and apply, which starts the tasks (README \"Deploy\"). Later images are deployed by CI; keep it set afterwards (unsetting it removes autoscaling, the running tasks stay)"
  type        = string
  default     = null
}

variable "cpu_architecture" {
  description = "CPU architecture of everything that runs code: the ECS task, the Lambda and the image CI builds (scripts/deploy/architecture.sh reads it). arm64 (Graviton) costs about 20 % less on Fargate and Lambda"
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be arm64 or x86_64."
  }
}

variable "lambda_zip_path" {
  description = "The Lambda bundle from npm run build"
  type        = string
  default     = "../dist/lambda.zip"
}

variable "stream_lambda_zip_path" {
  description = "The stream processor's bundle (npm run build writes it; CI uploads it with the Lambda's)"
  type        = string
  default     = "../dist/stream.zip"
}

variable "enable_subscriptions" {
  description = "GraphQL subscriptions across tasks: the table's stream, its processor Lambda and the ElastiCache Serverless for Valkey bus (modules/changes; docs/deploy.md, Cost). Off: subscriptions still work, each task hearing only the writes it served itself (not the DELETE Lambda's)"
  type        = bool
  default     = true
}

variable "cors_origins" {
  description = "Browser origins allowed to call the API (CORS_ORIGINS), comma-separated; null allows none"
  type        = string
  default     = null
}

variable "domain_name" {
  description = "Name clients use (e.g. app.example.com); null: no certificate, the ALB serves HTTP on port 80 (dev only)"
  type        = string
  default     = null

  validation {
    # The service sends HSTS; production over plain HTTP is a misconfiguration, not a choice.
    condition     = var.environment != "prod" || var.domain_name != null
    error_message = "domain_name is required when environment is prod: production is served over HTTPS only."
  }
}

variable "hosted_zone_name" {
  description = "Route 53 public zone holding domain_name (e.g. example.com)"
  type        = string
  default     = null

  validation {
    condition     = var.domain_name == null || var.hosted_zone_name != null
    error_message = "hosted_zone_name is required when domain_name is set."
  }
}

variable "alert_emails" {
  description = "Addresses subscribed to the alerts topic"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "enable_waf" {
  description = "Attach a WAF web ACL with a per-IP rate limit to the ALB (on in prod)"
  type        = bool
  default     = false
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes before WAF blocks it"
  type        = number
  default     = 2000
}

variable "deletion_protection" {
  description = "Protect the table and the ALB from deletion"
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the ECS and Lambda logs, in days"
  type        = number
  default     = 30
}

variable "github_oidc_subject_prefix" {
  description = "The OIDC subject prefix of the GitHub repository whose workflows deploy, as GitHub issues it: repo:<owner>/<name> (classic) or repo:<owner>-<owner_id>/<name>-<repo_id> (immutable: every repository created since 2026-06-18). docs/deploy.md says how to read it"
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (token.actions.githubusercontent.com). IAM allows one per account: if another stack made it already, set false, or the first apply fails with EntityAlreadyExists (check with: aws iam list-open-id-connect-providers)"
  type        = bool
  default     = true
}

variable "terraform_state_bucket" {
  description = "The state bucket of envs/<env>.s3.tfbackend: the read-only plan role may read the state object there"
  type        = string
}

variable "terraform_state_key" {
  description = "The state key of envs/<env>.s3.tfbackend"
  type        = string
}

variable "tags" {
  description = "Extra tags on every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "jwt_issuer" {
  description = "An external OAuth 2.0 issuer (iss) whose RS256 access tokens the API accepts; null creates an Amazon Cognito user pool for it (modules/auth)"
  type        = string
  default     = null
}

variable "jwt_jwks_url" {
  description = "The external issuer's JWKS URL (public HTTPS); required with jwt_issuer"
  type        = string
  default     = null

  validation {
    condition     = var.jwt_issuer == null || var.jwt_jwks_url != null
    error_message = "jwt_jwks_url is required when jwt_issuer is set."
  }
}

variable "jwt_audience" {
  description = "aud values the API accepts from the external issuer (AUTH_AUDIENCE); required with jwt_issuer"
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = var.jwt_issuer == null || length(var.jwt_audience) > 0
    error_message = "jwt_audience is required when jwt_issuer is set: a token meant for another API of the same issuer must not pass."
  }
}

variable "cognito_domain_prefix" {
  description = "Prefix of the Cognito hosted domain; null: <project>-<environment>-<account id>"
  type        = string
  default     = null
}

variable "auth_callback_urls" {
  description = "Where Cognito managed login may return a frontend with its authorization code (PKCE); e.g. https://app.example.com/callback"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "auth_logout_urls" {
  description = "Where Cognito managed login may send a frontend after sign-out"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "auth_machine_client_ids" {
  description = "Ids of the Cognito machine clients (client credentials) the API accepts, made with scripts/deploy/machine-client.sh so that no client secret enters the state; the smoke-test client is the first (docs/deploy.md)"
  type        = list(string)
  default     = []
  nullable    = false
}
