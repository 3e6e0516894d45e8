// A .tsx file (server-side rendering in a function): JSX next to SDK calls.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => {
  const { Items } = await doc.send(new ScanCommand({ TableName: "Products", Limit: 20 }));
  const html = <ul>{(Items ?? []).map((i) => <li key={i.id}>{i.name}</li>)}</ul>;
  return html;
};
