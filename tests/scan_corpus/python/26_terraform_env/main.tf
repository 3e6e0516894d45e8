resource "aws_sns_topic" "alerts" {
  name = "ops-alerts"
}

resource "aws_lambda_function" "alerter" {
  function_name = "alerter"
  handler       = "handler.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/alerter-role"
  filename      = "alerter.zip"

  environment {
    variables = {
      ALERTS_TOPIC = aws_sns_topic.alerts.arn
    }
  }
}
