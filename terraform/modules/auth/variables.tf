variable "name" {
  description = "Name of the user pool and prefix of its clients (e.g. picus-prod)"
  type        = string
}

variable "domain_prefix" {
  description = "Prefix of the Cognito hosted domain (<prefix>.auth.<region>.amazoncognito.com); unique in the region across all accounts"
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.domain_prefix)) && !strcontains(var.domain_prefix, "aws") && !strcontains(var.domain_prefix, "cognito")
    error_message = "domain_prefix must be lower-case letters, digits and dashes, and may not contain aws or cognito."
  }
}

variable "callback_urls" {
  description = "Where managed login may send a frontend back with its authorization code (e.g. https://app.example.com/callback, http://localhost:5173/callback)"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "logout_urls" {
  description = "Where managed login may send a frontend after sign-out"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "machine_client_ids" {
  description = "Ids of the machine clients (client credentials) whose tokens the API accepts. They are made beside Terraform with scripts/deploy/machine-client.sh, so their secrets never enter the state; empty until the first is made (docs/deploy.md)"
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    # The app client id format of the Cognito API (CreateUserPoolClient's ClientId: [\w+]+, at most 128).
    condition     = alltrue([for id in var.machine_client_ids : can(regex("^[A-Za-z0-9_+]{1,128}$", id))])
    error_message = "machine_client_ids must be Cognito app client ids, as scripts/deploy/machine-client.sh prints them."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool (its users) while true"
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
