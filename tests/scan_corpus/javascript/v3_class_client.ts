// A repository class holding its client on `this`.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";

class CustomerRepository {
  private readonly table = "Customers";
  constructor(private readonly client = new DynamoDBClient({})) {}

  async find(id: string) {
    return this.client.send(new GetItemCommand({ TableName: this.table, Key: { id: { S: id } } }));
  }

  async save(id: string) {
    await this.client.send(new PutItemCommand({ TableName: "Customers", Item: { id: { S: id } } }));
  }
}

class Secrets {
  client: SecretsManagerClient;
  constructor() {
    this.client = new SecretsManagerClient({});
  }
  read() {
    return this.client.send(new GetSecretValueCommand({ SecretId: "prod/customers/api-key" }));
  }
}

const repo = new CustomerRepository();
const secrets = new Secrets();

export const handler = async (event: { id: string }) => {
  await secrets.read();
  await repo.save(event.id);
  return repo.find(event.id);
};
