// Clients passed to helpers: the command's import names the service, whoever sends it.
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

const sfn = new SFNClient({});
const lambda = new LambdaClient({});

async function start(client: SFNClient, arn: string, input: unknown) {
  return client.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }));
}

async function invoke(client: LambdaClient, payload: string) {
  return client.send(
    new InvokeCommand({ FunctionName: "billing-calculator", Payload: Buffer.from(payload) }),
  );
}

export const handler = async (event: { order: string }) => {
  await start(sfn, process.env.STATE_MACHINE_ARN!, event);
  await invoke(lambda, event.order);
};
