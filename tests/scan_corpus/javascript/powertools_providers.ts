// Powertools parameter providers and AppConfig: their options name the resource.
import { DynamoDBProvider } from "@aws-lambda-powertools/parameters/dynamodb";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { getAppConfig } from "@aws-lambda-powertools/parameters/appconfig";

const settings = new DynamoDBProvider({ tableName: process.env.SETTINGS_TABLE });
const secrets = new SecretsProvider();

export const handler = async (): Promise<unknown> => {
  const theme = await settings.get("theme");
  const all = await settings.getMultiple("feature-flags");
  const token = await secrets.get(process.env.TOKEN_SECRET_ARN!);
  const config = await getAppConfig("checkout-config", {
    application: "storefront",
    environment: "prod",
  });
  return { theme, all, token, config };
};
