// Paginators: paginateQuery (lib-dynamodb) and paginateListObjectsV2 (client-s3).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, paginateQuery } from "@aws-sdk/lib-dynamodb";
import { S3Client, paginateListObjectsV2 } from "@aws-sdk/client-s3";

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});
const BUCKET = "reports-archive";

export const handler = async (event: { day: string }) => {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2(
    { client: s3 },
    { Bucket: BUCKET, Prefix: `daily/${event.day}/` },
  )) {
    for (const item of page.Contents ?? []) keys.push(item.Key!);
  }
  for await (const page of paginateQuery(
    { client: doc, pageSize: 100 },
    { TableName: "Events", KeyConditionExpression: "d = :d" },
  )) {
    console.log(page.Count);
  }
  return keys;
};
