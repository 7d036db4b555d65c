environment        = "dev"
aws_region         = "us-east-1"
ecs_desired_count  = 2
ecs_max_count      = 4
single_nat_gateway = true
enable_waf         = false
log_retention_days = 14
github_repository  = "picus-org/picus-gateway"
