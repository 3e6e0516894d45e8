// TypeScript parameter properties and typed helpers: the type names the client.
import AWS from "aws-sdk";
import { DynamoDB } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";

class Repository {
  constructor(
    private readonly db = new DynamoDB({}),
    private readonly doc: DynamoDBDocument,
    private s3: AWS.S3,
  ) {}

  raw(id: string) {
    return this.db.getItem({ TableName: "Raw", Key: { id: { S: id } } });
  }

  item(id: string) {
    return this.doc.get({ TableName: "Items", Key: { id } });
  }

  blob(key: string) {
    return this.s3.getObject({ Bucket: "blobs", Key: `items/${key}` }).promise();
  }
}

function enqueue(queue: AWS.SQS, body: string) {
  return queue.sendMessage({ QueueUrl: process.env.WORK_QUEUE_URL!, MessageBody: body }).promise();
}

export const handler = async (event: { id: string }) => {
  const repo = new Repository(undefined, DynamoDBDocument.from(new DynamoDB({})), new AWS.S3());
  await repo.item(event.id);
  await enqueue(new AWS.SQS(), event.id);
};
