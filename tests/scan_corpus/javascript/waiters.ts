// Waiters poll an operation: v3 waitUntilTableExists, v2 waitFor("bucketExists", ...).
import { DynamoDBClient, CreateTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import AWS from "aws-sdk";

const client = new DynamoDBClient({});
const s3 = new AWS.S3();
const TABLE = "scratch";

export const handler = async () => {
  await client.send(new CreateTableCommand({ TableName: TABLE, KeySchema: [], AttributeDefinitions: [] }));
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: TABLE });
  await s3.waitFor("bucketExists", { Bucket: "scratch-bucket" }).promise();
  await s3.waitFor("noSuchWaiter", { Bucket: "scratch-bucket" }).promise();
};
