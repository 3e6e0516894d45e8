"""Everything that talks to AWS (boto3). The domain never imports this package."""
