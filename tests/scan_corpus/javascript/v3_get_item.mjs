// SDK v3, ES modules: one table read by a constant name.
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});

export const handler = async (event) => {
  const out = await client.send(
    new GetItemCommand({ TableName: "Orders", Key: { id: { S: event.id } } }),
  );
  return out.Item;
};
