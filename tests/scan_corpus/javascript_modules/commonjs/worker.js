const { sqs, QUEUE_URL } = require("./aws");
const shared = require("./aws");

exports.handler = async (event) => {
  await sqs.sendMessage({ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify(event) }).promise();
  await shared.sqs.deleteMessage({ QueueUrl: event.queue, ReceiptHandle: event.handle }).promise();
};
