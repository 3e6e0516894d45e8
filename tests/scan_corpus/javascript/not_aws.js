// No AWS SDK at all: look-alike names make no call.
class GetItemCommand {
  constructor(input) {
    this.input = input;
  }
}
const client = { send: async (c) => c, getObject: async () => ({}) };

exports.handler = async () => {
  await client.send(new GetItemCommand({ TableName: "Orders" }));
  await client.getObject({ Bucket: "not-s3" });
};
