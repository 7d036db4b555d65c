output "app_url" {
  description = "Where clients reach the API"
  value       = local.https_enabled ? "https://${var.domain_name}" : "http://${module.alb.alb_dns_name}"
}

output "alb_dns_name" {
  description = "DNS name of the ALB"
  value       = module.alb.alb_dns_name
}

output "vpc_id" {
  description = "ID of the VPC"
  value       = module.network.vpc_id
}

output "ecr_repository_url" {
  description = "Where CI pushes images"
  value       = module.ecr_repository.repository_url
}

output "ecr_repository_name" {
  description = "Name of the image repository (GitHub variable ECR_REPOSITORY)"
  value       = module.ecr_repository.repository_name
}

output "cpu_architecture" {
  description = "CPU architecture of the task, the Lambda and the image"
  value       = var.cpu_architecture
}

output "dynamodb_table_name" {
  description = "Name of the items table"
  value       = module.dynamodb_table.table_name
}

output "ecs_cluster_name" {
  description = "ECS cluster (GitHub variable ECS_CLUSTER)"
  value       = module.ecs_service.cluster_name
}

output "ecs_service_name" {
  description = "ECS service (GitHub variable ECS_SERVICE)"
  value       = module.ecs_service.service_name
}

output "ecs_task_family" {
  description = "Task definition family (GitHub variable ECS_TASK_FAMILY)"
  value       = module.ecs_service.task_family
}

output "ecs_container_name" {
  description = "Container name in the task definition"
  value       = module.ecs_service.container_name
}

output "lambda_function_name" {
  description = "DELETE Lambda (GitHub variable LAMBDA_FUNCTION_NAME)"
  value       = module.lambda_function.function_name
}

output "lambda_alias_arn" {
  description = "The alias the ALB invokes"
  value       = module.lambda_function.alias_arn
}

output "codedeploy_application_name" {
  description = "CodeDeploy application of the Lambda canary"
  value       = module.lambda_canary.application_name
}

output "codedeploy_deployment_group_name" {
  description = "CodeDeploy deployment group of the Lambda canary"
  value       = module.lambda_canary.deployment_group_name
}

output "alerts_topic_arn" {
  description = "SNS topic of every alarm"
  value       = module.observability.alerts_topic_arn
}

output "alarm_names" {
  description = "Every alarm, by purpose"
  value       = module.observability.alarm_names
}

output "dashboard_name" {
  description = "CloudWatch dashboard"
  value       = module.observability.dashboard_name
}

output "github_deploy_role_arn" {
  description = "Role the deploy workflows assume (GitHub variable AWS_DEPLOY_ROLE_ARN)"
  value       = module.github_oidc.deploy_role_arn
}

output "github_terraform_plan_role_arn" {
  description = "Read-only role of the Terraform plan on main (GitHub variable AWS_TERRAFORM_PLAN_ROLE_ARN)"
  value       = module.github_oidc.terraform_plan_role_arn
}

output "github_terraform_pr_plan_role_arn" {
  description = "Read-only role of Terraform plans on pull requests: no data, no app client (GitHub variable AWS_TERRAFORM_PR_PLAN_ROLE_ARN)"
  value       = module.github_oidc.terraform_plan_pull_request_role_arn
}

output "github_terraform_apply_role_arn" {
  description = "Role of the approved apply in the production environment (GitHub variable AWS_TERRAFORM_APPLY_ROLE_ARN)"
  value       = module.github_oidc.terraform_apply_role_arn
}

output "auth_issuer" {
  description = "iss of the tokens the API accepts"
  value       = local.jwt_issuer
}

output "auth_token_endpoint" {
  description = "Where machine clients get tokens (client credentials); null with an external issuer"
  value       = try(module.auth[0].token_endpoint, null)
}

output "auth_authorization_endpoint" {
  description = "Where frontends sign in (authorization code with PKCE); null with an external issuer"
  value       = try(module.auth[0].authorization_endpoint, null)
}

output "auth_frontend_client_id" {
  description = "Client id of the frontend client (public, PKCE); null with an external issuer"
  value       = try(module.auth[0].frontend_client_id, null)
}

output "auth_user_pool_id" {
  description = "User pool where machine clients are made (scripts/deploy/machine-client.sh) and the smoke tests read theirs (GitHub variable SMOKE_USER_POOL_ID); null with an external issuer"
  value       = try(module.auth[0].user_pool_id, null)
}

output "auth_scopes" {
  description = "Every scope of the API in the pool (<identifier>/<scope>); null with an external issuer"
  value       = try(module.auth[0].scopes, null)
}
