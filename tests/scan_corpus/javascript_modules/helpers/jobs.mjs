import { SQSClient } from "@aws-sdk/client-sqs";
import AWS from "aws-sdk";
import * as queue from "./queue.mjs";

const sqs = new SQSClient({});

export const handler = async (event) => {
  await queue.enqueue(sqs, "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", event.body);
  await queue.notify(new AWS.SNS(), "arn:aws:sns:us-east-1:123456789012:jobs-done");
};
