// Powertools idempotency: the persistence layer reads and writes its table.
import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import type { Context } from "aws-lambda";

const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: process.env.IDEMPOTENCY_TABLE_NAME ?? "IdempotencyTable",
});
const ssm = new SSMProvider();

export const handler = makeIdempotent(
  async (event: { amount: number }, _context: Context) => {
    const rate = await ssm.get("/payments/fx-rate");
    return { charged: event.amount * Number(rate) };
  },
  { persistenceStore },
);
