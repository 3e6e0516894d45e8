import store as db


def handler(event, context):
    db.save(event)
    return db.audit.query(KeyConditionExpression="pk = :p")
