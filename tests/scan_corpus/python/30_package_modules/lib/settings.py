TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
