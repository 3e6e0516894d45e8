// S3 with a template literal: only the key's constant start is known.
import { S3Client, GetObjectCommand, PutObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";

const s3 = new S3Client({});
const INPUT = "incoming/";

export async function handler(event) {
  const key = event.Records[0].s3.object.key;
  await s3.send(new HeadObjectCommand({ Bucket: process.env.BUCKET, Key: key }));
  const obj = await s3.send(new GetObjectCommand({ Bucket: process.env.BUCKET, Key: `${INPUT}${key}` }));
  const body = await obj.Body.transformToString();
  await s3.send(
    new PutObjectCommand({
      Bucket: process.env.BUCKET,
      Key: "processed/" + key,
      Body: body.toUpperCase(),
    }),
  );
}
