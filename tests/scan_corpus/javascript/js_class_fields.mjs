// JavaScript class fields (ES2022) holding v2 and v3 aggregated clients.
import AWS from "aws-sdk";
import { SNS } from "@aws-sdk/client-sns";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:order-events";

class Notifier {
  sns = new SNS({});
  sqs = new AWS.SQS();
  static queue = process.env.DLQ_URL;

  async publish(message) {
    await this.sns.publish({ TopicArn: TOPIC, Message: message });
  }

  async park(message) {
    await this.sqs.sendMessage({ QueueUrl: process.env.DLQ_URL, MessageBody: message }).promise();
  }
}

export const handler = async (event) => {
  const notifier = new Notifier();
  await (event.ok ? notifier.publish("ok") : notifier.park("failed"));
};
