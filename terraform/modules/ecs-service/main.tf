data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  # A health check with no curl in the image: node is there already.
  # No image is pushed yet on a new account: create the service with no tasks (nothing to pull, nothing to crash-loop)
  # and hold autoscaling back until a real tag is given. The placeholder image is never pulled by a running task.
  has_image      = var.image_tag != null
  image          = "${var.repository_url}:${coalesce(var.image_tag, "no-image-yet")}"
  health_command = "require('http').get('http://127.0.0.1:${var.container_port}/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
}

################################################################################
# Cluster and logs
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-container-insights.html
################################################################################

resource "aws_ecs_cluster" "this" {
  name = var.cluster_name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

################################################################################
# IAM: execution role (pull the image, write logs) and task role (the table, nothing else)
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "EcsTasks"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name_prefix        = "${var.name}-ecs-exec-"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # GetAuthorizationToken has no resource-level permissions
  }
  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [var.ecr_repository_arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-image-and-log"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name_prefix        = "${var.name}-ecs-task-"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

# Exactly what app/core/items/dynamo-item-store.ts calls; DeleteItem belongs to the Lambda alone, which the service
# may only invoke (GraphQL deleteItem), on its live alias.
data "aws_iam_policy_document" "task" {
  statement {
    sid       = "ItemsTable"
    actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"]
    resources = [var.table_arn]
  }
  statement {
    sid       = "InvokeDeleteLambda"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.delete_function_alias_arn]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "items-table"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

################################################################################
# Task definition and service
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
################################################################################

resource "aws_security_group" "task" {
  name_prefix = "${var.name}-tasks-"
  description = "Service tasks: the container port from the ALB only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.task.id
  description                  = "Service port from the ALB"
  referenced_security_group_id = var.alb_security_group_id
  from_port                    = var.container_port
  to_port                      = var.container_port
  ip_protocol                  = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.task.id
  description       = "HTTPS to AWS APIs: DynamoDB through its gateway endpoint, ECR and CloudWatch through NAT"
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.task_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([{
    name                   = var.container_name
    image                  = local.image
    essential              = true
    readonlyRootFilesystem = true
    portMappings           = [{ containerPort = var.container_port, protocol = "tcp" }]
    environment = [for k, v in merge({
      PORT                = tostring(var.container_port)
      NODE_ENV            = "production"
      ENVIRONMENT         = var.environment
      DYNAMODB_TABLE_NAME = var.table_name
      AWS_REGION          = local.region
      LOG_LEVEL           = "info"
      # V8 sizes its heap from the memory it sees, a quarter of it; set it from the task's own memory, so
      # garbage is collected long before the task's limit and the heap stays near the live set.
      NODE_OPTIONS = "--max-old-space-size=${floor(var.task_memory / 4)}"
    }, var.environment_variables) : { name = k, value = v }]
    # tini as PID 1 forwards SIGTERM to node and reaps children.
    linuxParameters = { initProcessEnabled = true }
    # SIGTERM -> 5 s still serving -> drain up to 15 s -> exit; stopTimeout leaves margin before SIGKILL.
    stopTimeout = var.stop_timeout
    healthCheck = {
      command     = ["CMD", "node", "-e", local.health_command]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 30
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "ecs"
        # The service writes log lines synchronously (docs/operations.md): in blocking mode a stalled
        # CloudWatch Logs would stall requests. Non-blocking buffers lines and drops some when the buffer is full;
        # ECS's default has been non-blocking since 2025-06-25 unless an account setting says otherwise,
        # so it is stated here (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html).
        mode            = "non-blocking"
        max-buffer-size = var.log_buffer_size
      }
    }
  }])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                              = var.service_name
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.this.arn
  desired_count                     = local.has_image ? var.desired_count : 0
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = var.health_check_grace_period
  enable_execute_command            = false
  propagate_tags                    = "SERVICE"

  # Rolling deploys that never drop below the desired count, rolled back by the circuit breaker.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  tags = var.tags

  lifecycle {
    # CI registers task definitions (new image tags); autoscaling owns the count.
    ignore_changes = [task_definition, desired_count]
  }
}

################################################################################
# Autoscaling on CPU and on ALB requests per target
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html
################################################################################

# Registering the target moves the service's count into [min, max]: created with the first image_tag, it starts
# the tasks (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html).
resource "aws_appautoscaling_target" "this" {
  count = local.has_image ? 1 : 0

  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.desired_count
  max_capacity       = var.max_count

  tags = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  count = local.has_image ? 1 : 0

  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  count = local.has_image ? 1 : 0

  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}
