// lib-dynamodb's document client: GetCommand and friends are DynamoDB's item operations.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.ORDERS_TABLE!;

export async function handler(event: { id: string; customer: string }) {
  const found = await ddb.send(new GetCommand({ TableName: TABLE, Key: { id: event.id } }));
  if (!found.Item) {
    await ddb.send(new PutCommand({ TableName: TABLE, Item: { id: event.id } }));
  }
  await ddb.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { id: event.id },
      UpdateExpression: "SET seen = :t",
      ExpressionAttributeValues: { ":t": Date.now() },
    }),
  );
  return ddb.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: "by-customer",
      KeyConditionExpression: "customer = :c",
      ExpressionAttributeValues: { ":c": event.customer },
    }),
  );
}
