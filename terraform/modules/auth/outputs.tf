output "issuer" {
  description = "The iss of the pool's tokens (AUTH_ISSUER)"
  value       = "https://cognito-idp.${data.aws_region.current.region}.amazonaws.com/${aws_cognito_user_pool.this.id}"
}

output "jwks_url" {
  description = "The pool's public keys (AUTH_JWKS_URL, and the ALB's jwt-validation JWKS endpoint)"
  value       = "https://cognito-idp.${data.aws_region.current.region}.amazonaws.com/${aws_cognito_user_pool.this.id}/.well-known/jwks.json"
}

output "client_ids" {
  description = "App clients whose access tokens the API accepts (AUTH_CLIENT_IDS: Cognito access tokens carry client_id, not aud)"
  value       = concat(var.machine_client_ids, [aws_cognito_user_pool_client.frontend.id])
}

output "token_endpoint" {
  description = "OAuth 2.0 token endpoint (client credentials, authorization code)"
  value       = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.region}.amazoncognito.com/oauth2/token"
}

output "authorization_endpoint" {
  description = "Managed login's authorize endpoint, where frontends start the authorization code flow with PKCE"
  value       = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.region}.amazoncognito.com/oauth2/authorize"
}

output "frontend_client_id" {
  description = "Client id of the public frontend client (authorization code with PKCE, no secret)"
  value       = aws_cognito_user_pool_client.frontend.id
}

output "user_pool_id" {
  description = "ID of the user pool"
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool (the deploy role reads its smoke-test client there)"
  value       = aws_cognito_user_pool.this.arn
}

output "scopes" {
  description = "Every scope of the pool's resource server (<identifier>/<scope>), the scopes a machine client is made with (scripts/deploy/machine-client.sh)"
  value       = local.scope_names
}
