// Several services in one handler: EventBridge, CloudWatch Logs, SSM, Step Functions' SFN client.
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { CloudWatchLogsClient, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";
import { SFNClient, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";

const events = new EventBridgeClient({});
const logs = new CloudWatchLogsClient({});
const ssm = new SSMClient({});
const sfn = new SFNClient({});
const BUS = "orders-bus";
const GROUP = "/custom/audit";

export const handler = async (event) => {
  const param = await ssm.send(new GetParameterCommand({ Name: "/orders/config", WithDecryption: true }));
  await events.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS, Detail: "{}" }] }));
  await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: event.stream, logEvents: [] }));
  await sfn.send(new SendTaskSuccessCommand({ taskToken: event.token, output: "{}" }));
  return param;
};
