// SDK v2 from ES modules: named classes, per-client modules.
import { SQS, SNS } from "aws-sdk";
import StepFunctions from "aws-sdk/clients/stepfunctions";

const sqs = new SQS();
const sns = new SNS({ region: "eu-west-1" });
const sfn = new StepFunctions();

export const handler = async (event) => {
  await sqs.sendMessage({ QueueUrl: process.env.JOBS_QUEUE_URL, MessageBody: "go" }).promise();
  await sqs.deleteMessage({ QueueUrl: process.env.JOBS_QUEUE_URL, ReceiptHandle: event.handle }).promise();
  await sns.publish({ TopicArn: "arn:aws:sns:eu-west-1:123456789012:jobs-done", Message: "done" }).promise();
  await sfn.startExecution({ stateMachineArn: process.env.FLOW_ARN, input: "{}" }).promise();
};
