// A presigned URL: the command is signed, not sent; the role still needs GetObject.
import { S3Client, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const s3 = new S3Client({});

export const handler = async (event: { name: string }) => {
  const download = await getSignedUrl(
    s3,
    new GetObjectCommand({ Bucket: "media-bucket", Key: `public/${event.name}` }),
    { expiresIn: 300 },
  );
  const upload = await getSignedUrl(
    s3,
    new PutObjectCommand({ Bucket: "media-bucket", Key: `uploads/${event.name}` }),
  );
  return { download, upload };
};
