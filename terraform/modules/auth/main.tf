data "aws_region" "current" {}

locals {
  # The resource server and its scopes, generated from the code's one table of them (app/core/auth/access.ts).
  api         = jsondecode(file("${path.module}/scopes.json"))
  scopes      = local.api.scopes
  scope_names = [for scope in keys(local.scopes) : "${aws_cognito_resource_server.this.identifier}/${scope}"]
}

################################################################################
# User pool, the resource server "picus" and its three scopes
# https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
################################################################################

resource "aws_cognito_user_pool" "this" {
  name                = var.name
  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"

  # People are invited by an administrator; nobody signs up on their own.
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  password_policy {
    minimum_length    = 14
    require_lowercase = true
    require_uppercase = true
    require_numbers   = true
    require_symbols   = false
  }

  mfa_configuration = "OPTIONAL"
  software_token_mfa_configuration {
    enabled = true
  }

  tags = var.tags
}

resource "aws_cognito_resource_server" "this" {
  identifier   = local.api.identifier
  name         = "${var.name}-api"
  user_pool_id = aws_cognito_user_pool.this.id

  dynamic "scope" {
    for_each = local.scopes
    content {
      scope_name        = scope.key
      scope_description = scope.value
    }
  }
}

# The hosted domain serves the token endpoint (client credentials) and managed login (frontends).
resource "aws_cognito_user_pool_domain" "this" {
  domain       = var.domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}

################################################################################
# App clients. Terraform makes only the public frontend client (authorization code with PKCE, no secret). Machine
# clients (client credentials) hold a secret, and whatever Terraform manages lands in its state, which every plan
# reads: so they are made beside Terraform (scripts/deploy/machine-client.sh) and named here by id only
# (var.machine_client_ids). No client secret is ever in the state.
# https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
################################################################################

resource "aws_cognito_user_pool_client" "frontend" {
  name                                 = "${var.name}-frontend"
  user_pool_id                         = aws_cognito_user_pool.this.id
  generate_secret                      = false
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = concat(["openid", "email"], local.scope_names)
  callback_urls                        = var.callback_urls
  logout_urls                          = var.logout_urls
  supported_identity_providers         = ["COGNITO"]
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH"]
  access_token_validity                = 60
  refresh_token_validity               = 12
  token_validity_units {
    access_token  = "minutes"
    refresh_token = "hours"
  }
  enable_token_revocation       = true
  prevent_user_existence_errors = "ENABLED"
}
