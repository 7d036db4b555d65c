################################################################################
# ACM certificate validated through Route 53, and the alias record to the ALB
# https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
################################################################################

locals {
  names      = concat([var.domain_name], var.subject_alternative_names)
  validation = { for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => option }
}

data "aws_route53_zone" "this" {
  name         = var.zone_name
  private_zone = false
}

resource "aws_acm_certificate" "this" {
  domain_name               = var.domain_name
  subject_alternative_names = var.subject_alternative_names
  validation_method         = "DNS"

  tags = merge(var.tags, { Name = var.domain_name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  # Keyed by the names asked for (plan-time inputs); ACM's record for each is only known after the request.
  for_each = toset(local.names)

  zone_id         = data.aws_route53_zone.this.zone_id
  name            = local.validation[each.key].resource_record_name
  type            = local.validation[each.key].resource_record_type
  records         = [local.validation[each.key].resource_record_value]
  ttl             = 60
  allow_overwrite = true # a name and its wildcard share one record
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

resource "aws_route53_record" "alias" {
  for_each = toset(local.names)

  zone_id = data.aws_route53_zone.this.zone_id
  name    = each.value
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = true
  }
}
