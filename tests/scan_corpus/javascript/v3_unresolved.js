// Names the reader cannot know: from the event, from a function, from a parameter.
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");
const { S3Client, GetObjectCommand } = require("@aws-sdk/client-s3");

const client = new DynamoDBClient({});
const s3 = new S3Client({});

function tableFor(tenant) {
  return `tenant-${tenant}-orders`;
}

exports.handler = async (event) => {
  await client.send(new GetItemCommand({ TableName: tableFor(event.tenant), Key: {} }));
  await client.send(new GetItemCommand({ TableName: event.table, Key: {} }));
  await s3.send(new GetObjectCommand({ Bucket: event.bucket, Key: event.key }));
};
