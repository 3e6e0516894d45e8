// Aggregated clients: new DynamoDB({}).getItem(...) and new S3({}).listObjectsV2(...).
import { DynamoDB } from "@aws-sdk/client-dynamodb";
import { S3 } from "@aws-sdk/client-s3";

const dynamo = new DynamoDB({});

export const handler = async (event) => {
  const item = await dynamo.getItem({ TableName: "Sessions", Key: { id: { S: event.id } } });
  const listing = await new S3({}).listObjectsV2({ Bucket: "session-logs", Prefix: "2024/" });
  await dynamo.batchWriteItem({ RequestItems: { Sessions: [] } });
  return { item, listing };
};
