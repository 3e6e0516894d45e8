// Dynamic dispatch the reader cannot follow: which command is built depends on the event.
// (The expected calls below are what the code can make; the reader misses them, by design.)
const Ddb = require("@aws-sdk/client-dynamodb");

const client = new Ddb.DynamoDBClient({});

exports.handler = async (event) => {
  const Command = event.write ? Ddb.PutItemCommand : Ddb.GetItemCommand;
  await client.send(new Command({ TableName: "Flags", Key: {} }));
  await client.send(new Ddb.DescribeTableCommand({ TableName: `Flags` }));
};
