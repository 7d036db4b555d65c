output "certificate_arn" {
  description = "ARN of the validated certificate, for the HTTPS listener"
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "fqdns" {
  description = "Names pointed at the ALB"
  value       = [for record in aws_route53_record.alias : record.fqdn]
}
