# tflint for every module (run with --recursive): Terraform's recommended rules and the AWS ruleset,
# which checks values AWS would reject at apply time (instance types, regions, runtimes, ...).
plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.40.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}
