environment                = "dev"
aws_region                 = "us-east-1"
ecs_desired_count          = 2
ecs_max_count              = 4
single_nat_gateway         = true
enable_waf                 = false
log_retention_days         = 14
github_oidc_subject_prefix = "repo:picus-org/picus-gateway" # from GitHub: docs/deploy.md, step 2
terraform_state_bucket     = "picus-terraform-state-dev"    # as in dev.s3.tfbackend
terraform_state_key        = "picus/dev/terraform.tfstate"
# image_tag: leave unset on the first apply; then the tag the first deploy printed (docs/deploy.md)
