import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { AUDIT_TABLE, client } from "./db.js";

export async function handler(event: { pk: string }) {
  return client.send(new QueryCommand({ TableName: AUDIT_TABLE, KeyConditionExpression: "pk = :p" }));
}
