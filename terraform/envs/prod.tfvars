environment                = "prod"
aws_region                 = "us-east-1"
ecs_desired_count          = 2
ecs_max_count              = 10
single_nat_gateway         = false
enable_waf                 = true
waf_rate_limit             = 2000
log_retention_days         = 90
deletion_protection        = true
github_oidc_subject_prefix = "repo:picus-org/picus-gateway" # from GitHub: docs/deploy.md, step 2
terraform_state_bucket     = "picus-terraform-state-prod"   # as in prod.s3.tfbackend
terraform_state_key        = "picus/prod/terraform.tfstate"
# Production is HTTPS only: replace with your name and its public Route 53 zone before the first apply.
domain_name      = "picus.example.com"
hosted_zone_name = "example.com"
# alert_emails     = ["oncall@example.com"]
# image_tag: leave unset on the first apply; then the tag the first deploy printed (docs/deploy.md)
# auth_machine_client_ids: empty on the first apply; then the smoke-test client's id (docs/deploy.md, step 5)
