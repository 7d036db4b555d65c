locals {
  # The one routing table, generated from the catalogue of operations (app/wire/operations.ts) and shared with the
  # local ALB (local/alb.ts). The service runs with NODE_ENV=production, which serves no reference pages: their rules
  # (development_only) are left out, so those paths get the default 404 here.
  routing = jsondecode(file("${path.module}/listener-rules.json"))
  rules   = { for rule in local.routing.rules : rule.name => rule if !rule.development_only }
  # Deny by default: what no rule matches is answered here, a JSON 404 in the API's error shape, never forwarded.
  not_found = local.routing.default_action
  target_group_arns = {
    service = aws_lb_target_group.service.arn
    lambda  = aws_lb_target_group.lambda.arn
  }
  # From an input known at plan time, never from the certificate ARN, which is unknown until ACM issues it.
  https_enabled = var.enable_https
  # Rules hang off the listener clients use: HTTPS when there is a certificate, else HTTP.
  front_listener_arn = local.https_enabled ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
  # jwt-validation exists on HTTPS listeners only; both are plan-time bools.
  jwt_enabled = local.https_enabled && var.enable_jwt_validation
}

################################################################################
# Security groups
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html
################################################################################

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-alb-"
  description = "Public HTTP and HTTPS to the ${var.name} ALB"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "listener" {
  for_each = toset(local.https_enabled ? ["80", "443"] : ["80"])

  security_group_id = aws_security_group.this.id
  description       = "Clients on port ${each.value}"
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "targets" {
  security_group_id = aws_security_group.this.id
  description       = "To the service targets in the VPC"
  cidr_ipv4         = var.vpc_cidr_block
  from_port         = var.target_port
  to_port           = var.target_port
  ip_protocol       = "tcp"
}

# The jwt-validation action fetches the issuer's JWKS over HTTPS from the load balancer. Its guide does not say whether
# that fetch is subject to this security group
# (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html); for the authenticate
# actions AWS says the load balancer's security group must allow outbound HTTPS to the IdP, or the answer is a 500
# (https://repost.aws/knowledge-center/elb-configure-authentication-alb). Unsettled, so allowed: the issuer's
# addresses (Cognito's, or another public issuer's) are not fixed, and only the load balancer itself can use this rule.
resource "aws_vpc_security_group_egress_rule" "jwks" {
  count = local.jwt_enabled ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the token issuer's JWKS (jwt-validation)"
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

################################################################################
# Load balancer
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html
################################################################################

resource "aws_lb" "this" {
  name               = "${var.name}-alb"
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.this.id]
  subnets            = var.public_subnet_ids

  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  enable_http2               = true
  idle_timeout               = var.idle_timeout

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]
    content {
      bucket  = access_logs.value
      prefix  = var.name
      enabled = true
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

################################################################################
# Target groups: the ECS service (ip targets) and the DELETE Lambda
################################################################################

resource "aws_lb_target_group" "service" {
  name_prefix          = "svc-"
  port                 = var.target_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    path                = var.health_check.path
    matcher             = "200"
    interval            = var.health_check.interval
    timeout             = var.health_check.timeout
    healthy_threshold   = var.health_check.healthy_threshold
    unhealthy_threshold = var.health_check.unhealthy_threshold
  }

  tags = merge(var.tags, { Name = "${var.name}-service" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_target_group" "lambda" {
  name_prefix = "del-"
  target_type = "lambda"
  # Off, as the handler is written for single-value events; it answers in whichever mode the event uses.
  lambda_multi_value_headers_enabled = var.lambda_multi_value_headers

  tags = merge(var.tags, { Name = "${var.name}-delete" })
}

################################################################################
# Listeners: HTTPS with TLS 1.3/1.2; HTTP redirects to it, or serves directly when no domain is given
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
################################################################################

resource "aws_lb_listener" "https" {
  count = local.https_enabled ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = local.not_found.content_type
      message_body = local.not_found.message_body
      status_code  = tostring(local.not_found.status_code)
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = local.https_enabled ? "redirect" : "fixed-response"

    dynamic "redirect" {
      for_each = local.https_enabled ? [1] : []
      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }

    # Without HTTPS the rules hang off this listener, and what they do not match is refused here.
    dynamic "fixed_response" {
      for_each = local.https_enabled ? [] : [local.not_found]
      content {
        content_type = fixed_response.value.content_type
        message_body = fixed_response.value.message_body
        status_code  = tostring(fixed_response.value.status_code)
      }
    }
  }

  tags = var.tags
}

# Listener rules, ascending priority before the default action:
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
resource "aws_lb_listener_rule" "this" {
  for_each = local.rules

  listener_arn = local.front_listener_arn
  priority     = each.value.priority

  # A bad token never reaches a target: the rule checks it first, with the one scope the route needs (one
  # required value, so "all of" and "any of" readings of space-separated-values agree).
  # https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html
  dynamic "action" {
    for_each = local.jwt_enabled && each.value.jwt_validation != null ? [each.value.jwt_validation] : []
    content {
      type  = "jwt-validation"
      order = 1

      jwt_validation {
        issuer        = var.jwt_issuer
        jwks_endpoint = var.jwt_jwks_endpoint

        dynamic "additional_claim" {
          for_each = action.value.scope == null ? [] : [action.value.scope]
          content {
            format = "space-separated-values"
            name   = "scope"
            values = [additional_claim.value]
          }
        }
      }
    }
  }

  action {
    type             = "forward"
    order            = 2
    target_group_arn = local.target_group_arns[each.value.target]
  }

  condition {
    path_pattern {
      values = each.value.path_patterns
    }
  }

  dynamic "condition" {
    for_each = length(each.value.http_methods) > 0 ? [each.value.http_methods] : []
    content {
      http_request_method {
        values = condition.value
      }
    }
  }
  # A WebSocket upgrade's own rule (the catalogue's `websocket`) matches on the Upgrade header.
  dynamic "condition" {
    for_each = each.value.http_headers
    content {
      http_header {
        http_header_name = condition.value.name
        values           = condition.value.values
      }
    }
  }


  tags = merge(var.tags, { Name = "${var.name}-${replace(each.key, "_", "-")}" })
}

# The rules were keyed by hand-picked names before the catalogue of operations named them by operation id: moved, so an
# existing listener keeps its rules (an update in place) instead of creating new ones whose priorities collide with
# the old ones still there.
moved {
  from = aws_lb_listener_rule.this["picus_list"]
  to   = aws_lb_listener_rule.this["listItems"]
}

moved {
  from = aws_lb_listener_rule.this["picus_put"]
  to   = aws_lb_listener_rule.this["createItem"]
}

moved {
  from = aws_lb_listener_rule.this["picus_get"]
  to   = aws_lb_listener_rule.this["getItem"]
}

moved {
  from = aws_lb_listener_rule.this["picus_update"]
  to   = aws_lb_listener_rule.this["replaceItem"]
}

moved {
  from = aws_lb_listener_rule.this["picus_delete"]
  to   = aws_lb_listener_rule.this["deleteItem"]
}

moved {
  from = aws_lb_listener_rule.this["graphql"]
  to   = aws_lb_listener_rule.this["graphqlPost"]
}

################################################################################
# WAF: a rate-based rule per client IP, plus AWS's common rule set
# https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
################################################################################

resource "aws_wafv2_web_acl" "this" {
  count = var.waf_rate_limit == null ? 0 : 1

  name  = "${var.name}-alb"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  custom_response_body {
    key          = "rate_limited"
    content_type = "APPLICATION_JSON"
    content      = local.routing.rate_limited.message_body
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 1

    # A browser frontend must be able to read why it was refused: a JSON 429 with Retry-After, readable cross-origin
    # (the block answer holds no data, so any origin may read it). WAF lets a block set any header but content-type.
    # https://docs.aws.amazon.com/waf/latest/developerguide/customizing-the-response-for-blocked-requests.html
    action {
      block {
        custom_response {
          response_code            = local.routing.rate_limited.status_code
          custom_response_body_key = "rate_limited"
          response_header {
            name  = "Retry-After"
            value = tostring(local.routing.rate_limited.retry_after_seconds)
          }
          response_header {
            name  = "Access-Control-Allow-Origin"
            value = "*"
          }
          response_header {
            name  = "Access-Control-Expose-Headers"
            value = "Retry-After"
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit = var.waf_rate_limit
        # The window the answer's Retry-After names (the catalogue's RATE_LIMITED: 300 s, one of WAF's 60/120/300/600).
        evaluation_window_sec = local.routing.rate_limited.retry_after_seconds
        aggregate_key_type    = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 2

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-alb"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

# WAF requires the aws-waf-logs- prefix on its log group.
resource "aws_cloudwatch_log_group" "waf" {
  count = var.waf_rate_limit == null ? 0 : 1

  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.waf_log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  count = var.waf_rate_limit == null ? 0 : 1

  resource_arn            = aws_wafv2_web_acl.this[0].arn
  log_destination_configs = [aws_cloudwatch_log_group.waf[0].arn]
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.waf_rate_limit == null ? 0 : 1

  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}
