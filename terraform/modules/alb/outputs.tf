output "alb_arn" {
  description = "ARN of the load balancer"
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the load balancer: the LoadBalancer dimension of its CloudWatch metrics"
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the load balancer"
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route 53 zone of the load balancer, for alias records"
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer, allowed into the service targets"
  value       = aws_security_group.this.id
}

output "service_target_group_arn" {
  description = "Target group of the ECS service, available once a listener forwards to it"
  value       = aws_lb_target_group.service.arn
  # ECS refuses to register a service in a target group no listener uses ("does not have an associated load
  # balancer"): whoever reads this ARN waits for the listeners and rules, and for nothing else of this module.
  depends_on = [aws_lb_listener.http, aws_lb_listener.https, aws_lb_listener_rule.this]
}

output "service_target_group_arn_suffix" {
  description = "TargetGroup dimension of the service target group's metrics"
  value       = aws_lb_target_group.service.arn_suffix
}

output "lambda_target_group_arn" {
  description = "Target group of the DELETE Lambda"
  value       = aws_lb_target_group.lambda.arn
}

output "lambda_target_group_arn_suffix" {
  description = "TargetGroup dimension of the Lambda target group's metrics"
  value       = aws_lb_target_group.lambda.arn_suffix
}

output "front_listener_arn" {
  description = "The listener carrying the routing rules (HTTPS, or HTTP without a certificate)"
  value       = local.front_listener_arn
}

output "listener_rule_arns" {
  description = "Listener rule ARNs by rule name"
  value       = { for name, rule in aws_lb_listener_rule.this : name => rule.arn }
}

output "web_acl_arn" {
  description = "ARN of the WAF web ACL, or null when WAF is off"
  value       = try(aws_wafv2_web_acl.this[0].arn, null)
}
