output "deploy_role_arn" {
  description = "Role for the deploy workflows (GitHub variable AWS_DEPLOY_ROLE_ARN)"
  value       = aws_iam_role.deploy.arn
}

output "terraform_role_arn" {
  description = "Role for the Terraform workflow (GitHub variable AWS_TERRAFORM_ROLE_ARN)"
  value       = aws_iam_role.terraform.arn
}

output "provider_arn" {
  description = "ARN of the GitHub OIDC provider"
  value       = local.provider_arn
}
