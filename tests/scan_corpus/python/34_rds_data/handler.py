import boto3

rds_data = boto3.client("rds-data")
CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf"


def handler(event, context):
    tx = rds_data.begin_transaction(resourceArn=CLUSTER, secretArn=SECRET, database="orders")
    rds_data.execute_statement(
        resourceArn=CLUSTER,
        secretArn=SECRET,
        sql="UPDATE orders SET state = :s WHERE id = :id",
        transactionId=tx["transactionId"],
    )
    rds_data.commit_transaction(
        resourceArn=CLUSTER, secretArn=SECRET, transactionId=tx["transactionId"]
    )
