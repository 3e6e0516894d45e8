import json

import boto3

scheduler = boto3.client("scheduler")
TARGET = {
    "Arn": "arn:aws:lambda:us-east-1:123456789012:function:send-reminder",
    "RoleArn": "arn:aws:iam::123456789012:role/app/scheduler-invoke",
}


def handler(event, context):
    scheduler.create_schedule(
        Name=f"reminder-{event['id']}",
        GroupName="reminders",
        ScheduleExpression=f"at({event['at']})",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:lambda:us-east-1:123456789012:function:send-reminder",
            "RoleArn": "arn:aws:iam::123456789012:role/app/scheduler-invoke",
            "Input": json.dumps(event),
        },
    )


def cancel(event, context):
    # No target role in the request: the group's entry needs it, so this is left to the user.
    scheduler.delete_schedule(Name=event["name"], GroupName="reminders")
