import { SendMessageCommand } from "@aws-sdk/client-sqs";

export async function enqueue(client, queueUrl, body) {
  return client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

export function notify(sns, topic) {
  return sns.publish({ TopicArn: topic, Message: "done" }).promise();
}
