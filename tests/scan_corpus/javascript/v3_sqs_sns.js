// SQS and SNS from the environment, with process.env["X"] and a fallback.
const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");

const sqs = new SQSClient({});
const sns = new SNSClient({});
const QUEUE_URL = process.env["QUEUE_URL"];

module.exports.handler = async (event) => {
  for (const record of event.Records) {
    await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: record.body }));
  }
  await sns.send(
    new PublishCommand({
      TopicArn: process.env.ALERT_TOPIC_ARN ?? "arn:aws:sns:us-east-1:123456789012:alerts",
      Message: JSON.stringify({ count: event.Records.length }),
    }),
  );
};
