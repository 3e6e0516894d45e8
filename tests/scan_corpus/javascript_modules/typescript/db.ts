import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const client: DynamoDBClient = new DynamoDBClient({});
export const AUDIT_TABLE = "Audit";
