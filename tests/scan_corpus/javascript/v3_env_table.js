// SDK v3, CommonJS: the table from the environment, destructured.
const { DynamoDBClient, PutItemCommand, DeleteItemCommand } = require("@aws-sdk/client-dynamodb");

const { TABLE_NAME } = process.env;
const client = new DynamoDBClient({ region: process.env.AWS_REGION });

exports.handler = async (event) => {
  await client.send(new PutItemCommand({ TableName: TABLE_NAME, Item: { id: { S: event.id } } }));
  if (event.old) {
    await client.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key: { id: { S: event.old } } }));
  }
};
