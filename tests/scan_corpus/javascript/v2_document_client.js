// SDK v2: the DocumentClient, params built in a const, .promise().
const AWS = require("aws-sdk");

const docClient = new AWS.DynamoDB.DocumentClient();
const TABLE = process.env.TABLE_NAME;

exports.handler = async (event) => {
  const params = {
    TableName: TABLE,
    Key: { id: event.pathParameters.id },
  };
  const result = await docClient.get(params).promise();
  if (!result.Item) {
    await docClient
      .put({ TableName: TABLE, Item: { id: event.pathParameters.id, created: Date.now() } })
      .promise();
  }
  const recent = await docClient.query({ TableName: "AuditLog", KeyConditionExpression: "id = :id" }).promise();
  return { statusCode: 200, body: JSON.stringify({ result, recent }) };
};
