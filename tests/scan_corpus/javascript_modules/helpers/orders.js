const AWS = require("aws-sdk");
const { archive } = require("./storage");

const s3 = new AWS.S3();

exports.handler = async (event) => {
  await archive(s3, "acme-archive", event.id);
};
