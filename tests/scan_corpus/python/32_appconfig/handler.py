import json

import boto3

appconfig = boto3.client("appconfigdata")
_token = None


def handler(event, context):
    global _token
    if _token is None:
        session = appconfig.start_configuration_session(
            ApplicationIdentifier="abc1234",
            EnvironmentIdentifier="env5678",
            ConfigurationProfileIdentifier="prf9012",
        )
        _token = session["InitialConfigurationToken"]
    latest = appconfig.get_latest_configuration(ConfigurationToken=_token)
    _token = latest["NextPollConfigurationToken"]
    return json.loads(latest["Configuration"].read() or b"{}")
