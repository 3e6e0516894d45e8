// Powertools for AWS Lambda (TypeScript): parameters and secrets.
import { getParameter, getParameters } from "@aws-lambda-powertools/parameters/ssm";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { Logger } from "@aws-lambda-powertools/logger";

const logger = new Logger();
const PREFIX = "/checkout/prod";

export const handler = async (): Promise<void> => {
  const endpoint = await getParameter(`${PREFIX}/endpoint`);
  const flags = await getParameters("/checkout/prod/flags/", { recursive: true });
  const apiKey = await getSecret("checkout/payment-api-key", { maxAge: 300 });
  logger.info("configured", { endpoint, flags, hasKey: Boolean(apiKey) });
};
