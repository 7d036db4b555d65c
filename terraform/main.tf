provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.tags
  }
}

locals {
  name = var.project_name
  tags = merge(var.tags, {
    Project     = var.project_name
    Environment = var.environment
    ManagedBy   = "terraform"
  })
  # Plan-time facts only: every count/for_each below derives from inputs, never from a resource attribute
  # (a certificate ARN is unknown until ACM issues it, which made the first plan fail with "Invalid count argument").
  https_enabled = var.domain_name != null
  # Tokens come from the Cognito pool made here, unless an external issuer is given (plan-time choice).
  cognito     = var.jwt_issuer == null
  jwt_issuer  = local.cognito ? module.auth[0].issuer : var.jwt_issuer
  jwt_jwks    = local.cognito ? module.auth[0].jwks_url : var.jwt_jwks_url
  auth_accept = local.cognito ? { AUTH_CLIENT_IDS = join(",", module.auth[0].client_ids) } : { AUTH_AUDIENCE = join(",", var.jwt_audience) }
  # What both targets behind the ALB must agree on: one CORS policy and one token issuer.
  shared_environment = merge(
    var.cors_origins == null ? {} : { CORS_ORIGINS = var.cors_origins },
    { AUTH_ISSUER = local.jwt_issuer, AUTH_JWKS_URL = local.jwt_jwks },
    local.auth_accept,
  )
}

module "auth" {
  source = "./modules/auth"
  count  = local.cognito ? 1 : 0

  name                = "${local.name}-${var.environment}"
  domain_prefix       = coalesce(var.cognito_domain_prefix, "${local.name}-${var.environment}-${data.aws_caller_identity.current.account_id}")
  callback_urls       = var.auth_callback_urls
  logout_urls         = var.auth_logout_urls
  machine_client_ids  = var.auth_machine_client_ids
  deletion_protection = var.deletion_protection
  tags                = local.tags
}

data "aws_caller_identity" "current" {}

module "network" {
  source = "./modules/network"

  name                 = local.name
  vpc_cidr             = var.vpc_cidr
  public_subnet_cidrs  = var.public_subnet_cidrs
  private_subnet_cidrs = var.private_subnet_cidrs
  single_nat_gateway   = var.single_nat_gateway
  enable_flow_logs     = var.enable_flow_logs
  tags                 = local.tags
}

module "dynamodb_table" {
  source = "./modules/dynamodb-table"

  name                = var.dynamodb_table_name
  deletion_protection = var.deletion_protection
  stream_enabled      = var.enable_subscriptions
  tags                = local.tags
}

module "ecr_repository" {
  source = "./modules/ecr-repository"

  name = "${local.name}-app"
  tags = local.tags
}

module "dns_certificate" {
  source = "./modules/dns-certificate"
  count  = local.https_enabled ? 1 : 0

  domain_name  = var.domain_name
  zone_name    = var.hosted_zone_name
  alb_dns_name = module.alb.alb_dns_name
  alb_zone_id  = module.alb.alb_zone_id
  tags         = local.tags
}

module "alb" {
  source = "./modules/alb"

  name                  = local.name
  vpc_id                = module.network.vpc_id
  vpc_cidr_block        = module.network.vpc_cidr_block
  public_subnet_ids     = module.network.public_subnet_ids
  enable_https          = local.https_enabled
  enable_jwt_validation = true
  jwt_issuer            = local.jwt_issuer
  jwt_jwks_endpoint     = local.jwt_jwks
  certificate_arn       = local.https_enabled ? module.dns_certificate[0].certificate_arn : null
  target_port           = var.container_port
  deregistration_delay  = 30
  deletion_protection   = var.deletion_protection
  waf_rate_limit        = var.enable_waf ? var.waf_rate_limit : null
  tags                  = local.tags
}

module "ecs_service" {
  source = "./modules/ecs-service"

  name             = local.name
  environment      = var.environment
  cluster_name     = "${local.name}-cluster"
  service_name     = "${local.name}-service"
  task_family      = "${local.name}-app"
  container_name   = "${local.name}-container"
  repository_url   = module.ecr_repository.repository_url
  image_tag        = var.image_tag
  cpu_architecture = upper(var.cpu_architecture) # ECS spells them ARM64 / X86_64
  container_port   = var.container_port
  task_cpu         = var.ecs_task_cpu
  task_memory      = var.ecs_task_memory
  desired_count    = var.ecs_desired_count
  max_count        = var.ecs_max_count
  environment_variables = merge(
    local.shared_environment,
    { DELETE_FUNCTION_NAME = module.lambda_function.function_name, DELETE_FUNCTION_QUALIFIER = "live" },
    # Subscriptions across tasks: the table's stream tells the bus of every write, the tasks listen (modules/changes).
    var.enable_subscriptions ? { CHANGE_BUS_URL = module.changes[0].bus_url, CHANGE_FEED = "stream" } : {},
  )
  delete_function_alias_arn = module.lambda_function.alias_arn
  table_name                = module.dynamodb_table.table_name
  table_arn                 = module.dynamodb_table.table_arn
  ecr_repository_arn        = module.ecr_repository.repository_arn
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  alb_security_group_id     = module.alb.security_group_id
  target_group_arn          = module.alb.service_target_group_arn
  alb_arn_suffix            = module.alb.alb_arn_suffix
  target_group_arn_suffix   = module.alb.service_target_group_arn_suffix
  log_group_name            = "/ecs/${local.name}"
  log_retention_days        = var.log_retention_days
  container_insights        = var.container_insights
  tags                      = local.tags
  # No module-level depends_on on the ALB: it would defer this module's data sources to apply time on every ALB
  # change. The one real ordering (target group attached to a listener before the service registers in it) is on
  # the ALB module's service_target_group_arn output.
}

module "lambda_function" {
  source = "./modules/lambda-function"

  function_name         = "${local.name}-${var.environment}-delete"
  environment           = var.environment
  zip_path              = var.lambda_zip_path
  environment_variables = local.shared_environment
  architecture          = var.cpu_architecture
  table_name            = module.dynamodb_table.table_name
  table_arn             = module.dynamodb_table.table_arn
  target_group_arn      = module.alb.lambda_target_group_arn
  log_retention_days    = var.log_retention_days
  tags                  = local.tags
}

module "changes" {
  source = "./modules/changes"
  count  = var.enable_subscriptions ? 1 : 0

  name                      = "${local.name}-${var.environment}"
  environment               = var.environment
  account_id                = data.aws_caller_identity.current.account_id
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  service_security_group_id = module.ecs_service.security_group_id
  stream_arn                = module.dynamodb_table.stream_arn
  zip_path                  = var.stream_lambda_zip_path
  architecture              = var.cpu_architecture
  log_retention_days        = var.log_retention_days
  alarm_topic_arns          = [module.observability.alerts_topic_arn]
  tags                      = local.tags
}

module "observability" {
  source = "./modules/observability"

  name                            = local.name
  alert_emails                    = var.alert_emails
  alb_arn_suffix                  = module.alb.alb_arn_suffix
  service_target_group_arn_suffix = module.alb.service_target_group_arn_suffix
  lambda_target_group_arn_suffix  = module.alb.lambda_target_group_arn_suffix
  lambda_function_name            = module.lambda_function.function_name
  ecs_cluster_name                = module.ecs_service.cluster_name
  ecs_service_name                = module.ecs_service.service_name
  table_name                      = module.dynamodb_table.table_name
  tags                            = local.tags
}

module "lambda_canary" {
  source = "./modules/lambda-canary"

  name                 = "${local.name}-delete"
  function_arn         = module.lambda_function.function_arn
  rollback_alarm_names = module.observability.lambda_rollback_alarm_names
  tags                 = local.tags
}

module "github_oidc" {
  source = "./modules/github-oidc"

  name                        = local.name
  subject_prefix              = var.github_oidc_subject_prefix
  create_provider             = var.create_github_oidc_provider
  grant_smoke_client_read     = local.cognito
  smoke_user_pool_arns        = local.cognito ? [module.auth[0].user_pool_arn] : []
  state_bucket                = var.terraform_state_bucket
  state_key                   = var.terraform_state_key
  ecr_repository_arn          = module.ecr_repository.repository_arn
  ecs_service_arn             = module.ecs_service.service_arn
  ecs_task_role_arns          = [module.ecs_service.task_role_arn, module.ecs_service.execution_role_arn]
  lambda_function_arn         = module.lambda_function.function_arn
  codedeploy_application_name = module.lambda_canary.application_name
  tags                        = local.tags
}
