variable "domain_name" {
  description = "Name clients use, e.g. app.example.com"
  type        = string
}

variable "subject_alternative_names" {
  description = "More names on the certificate, each also pointed at the ALB"
  type        = list(string)
  default     = []
  nullable    = false
}

variable "zone_name" {
  description = "Public Route 53 hosted zone holding domain_name, e.g. example.com"
  type        = string
}

variable "alb_dns_name" {
  description = "DNS name of the ALB the records point at"
  type        = string
}

variable "alb_zone_id" {
  description = "Route 53 zone ID of the ALB"
  type        = string
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
  nullable    = false
}
