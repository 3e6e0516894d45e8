// Imports from the SDK next to local look-alikes: only the SDK's commands are calls.
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";
import { ListThingsCommand } from "./local-commands";

class PutObjectCommand {
  constructor(public readonly input: { Bucket: string }) {}
}

const s3 = new S3Client({});

export const handler = async () => {
  await s3.send(new GetObjectCommand({ Bucket: "assets", Key: "logo.png" }));
  const fake = new PutObjectCommand({ Bucket: "assets" });
  const other = new ListThingsCommand();
  return { fake, other };
};
