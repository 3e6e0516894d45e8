// Scopes: an inner const shadows the outer one; a reassigned let is not a constant.
const { DynamoDBClient, GetItemCommand, PutItemCommand } = require("@aws-sdk/client-dynamodb");

const client = new DynamoDBClient({});
const TABLE = "Outer";
let target = "First";

exports.handler = async (event) => {
  if (event.fallback) target = "Second";
  {
    const TABLE = "Inner";
    await client.send(new GetItemCommand({ TableName: TABLE, Key: {} }));
  }
  await client.send(new GetItemCommand({ TableName: TABLE, Key: {} }));
  await client.send(new PutItemCommand({ TableName: target, Item: {} }));
};
