// lib-storage's Upload: a PutObject or a multipart upload, chosen by size at run time.
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Readable } from "node:stream";

const s3 = new S3Client({});

export async function handler(event: { id: string; stream: Readable }) {
  const upload = new Upload({
    client: s3,
    params: { Bucket: process.env.EXPORT_BUCKET, Key: `exports/${event.id}.csv`, Body: event.stream },
  });
  await upload.done();
}
