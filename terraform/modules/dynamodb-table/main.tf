################################################################################
# The items table: hash key id (S), on demand, point-in-time recovery, encrypted,
# protected from deletion. Same key schema as local/item-table.ts.
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.CoreComponents.html
################################################################################

resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  # Every write, whoever makes it, for the subscriptions' stream processor (terraform/modules/changes): both images,
  # so a delete still says which item it was.
  stream_enabled   = var.stream_enabled
  stream_view_type = var.stream_enabled ? "NEW_AND_OLD_IMAGES" : null

  # With kms_key_arn null, DynamoDB's AWS-managed key (aws/dynamodb): callers then need no KMS permissions.
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = merge(var.tags, { Name = var.name })
}
