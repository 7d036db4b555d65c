output "vpc_id" {
  description = "ID of the VPC"
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC"
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, one per availability zone"
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone"
  value       = aws_subnet.private[*].id
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways"
  value       = aws_nat_gateway.this[*].id
}

output "dynamodb_endpoint_id" {
  description = "ID of the DynamoDB gateway endpoint"
  value       = aws_vpc_endpoint.dynamodb.id
}

output "dynamodb_prefix_list_id" {
  description = "Prefix list of the DynamoDB endpoint, for security group egress rules"
  value       = aws_vpc_endpoint.dynamodb.prefix_list_id
}
