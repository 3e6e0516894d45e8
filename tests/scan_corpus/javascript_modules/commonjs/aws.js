const AWS = require("aws-sdk");

const sqs = new AWS.SQS();
module.exports = { sqs, QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs" };
