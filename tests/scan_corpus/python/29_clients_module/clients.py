"""Clients made once per container, imported by the handler."""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
s3 = boto3.client("s3")
CONFIG_BUCKET = "acme-config"
