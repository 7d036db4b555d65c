output "deploy_role_arn" {
  description = "Role for the deploy workflows (GitHub variable AWS_DEPLOY_ROLE_ARN)"
  value       = aws_iam_role.deploy.arn
}

output "terraform_plan_role_arn" {
  description = "Read-only role of the plan on main, which refreshes everything (GitHub variable AWS_TERRAFORM_PLAN_ROLE_ARN)"
  value       = aws_iam_role.terraform_plan["terraform_plan"].arn
}

output "terraform_plan_pull_request_role_arn" {
  description = "Read-only role of pull requests' plans, which reads no data and no app client (GitHub variable AWS_TERRAFORM_PR_PLAN_ROLE_ARN)"
  value       = aws_iam_role.terraform_plan["terraform_plan_pull_request"].arn
}

output "terraform_apply_role_arn" {
  description = "Role for Terraform applies from the production environment (GitHub variable AWS_TERRAFORM_APPLY_ROLE_ARN)"
  value       = aws_iam_role.terraform_apply.arn
}

output "provider_arn" {
  description = "ARN of the GitHub OIDC provider"
  value       = local.provider_arn
}
