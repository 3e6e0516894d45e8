// SDK v2: S3 reads and writes, callbacks and promises, upload and a presigned URL.
const AWS = require("aws-sdk");
const s3 = new AWS.S3({ signatureVersion: "v4" });

const BUCKET = "invoices-prod";

exports.handler = (event, context, callback) => {
  const key = decodeURIComponent(event.Records[0].s3.object.key);
  s3.getObject({ Bucket: event.Records[0].s3.bucket.name, Key: key }, (err, data) => {
    if (err) return callback(err);
    s3.upload({ Bucket: BUCKET, Key: "rendered/" + key, Body: data.Body }, (e) => {
      if (e) return callback(e);
      const url = s3.getSignedUrl("getObject", { Bucket: BUCKET, Key: "rendered/" + key, Expires: 60 });
      callback(null, url);
    });
  });
};
