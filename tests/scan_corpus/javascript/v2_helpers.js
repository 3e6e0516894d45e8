// SDK v2: a client handed to a helper function; the helper's calls use the caller's client.
const AWS = require("aws-sdk");

const lambda = new AWS.Lambda();
const secrets = new AWS.SecretsManager();

async function readSecret(client, id) {
  const out = await client.getSecretValue({ SecretId: id }).promise();
  return JSON.parse(out.SecretString);
}

const notify = async (fn, payload) =>
  fn.invoke({ FunctionName: "notifier", InvocationType: "Event", Payload: payload }).promise();

exports.handler = async () => {
  const creds = await readSecret(secrets, "prod/smtp");
  await notify(lambda, JSON.stringify(creds.user));
};
