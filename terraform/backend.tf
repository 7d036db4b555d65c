# State in S3 with S3's native lock file. The bucket, key and region come from the
# environment's settings file at init:
#   terraform init -backend-config=envs/dev.s3.tfbackend
terraform {
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
