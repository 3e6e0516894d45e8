import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { ddb, TABLE } from "./clients.mjs";
import * as clients from "./clients.mjs";

export const handler = async (event) => {
  await ddb.send(new PutCommand({ TableName: TABLE, Item: event }));
  await clients.s3.send(new GetObjectCommand({ Bucket: "acme-config", Key: "config/settings.json" }));
  return ddb.send(new GetCommand({ TableName: clients.TABLE, Key: { id: event.id } }));
};
