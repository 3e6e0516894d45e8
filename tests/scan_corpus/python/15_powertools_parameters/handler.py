from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import get_secret


def handler(event, context):
    endpoint = parameters.get_parameter("/orders/endpoint")
    api_key = get_secret("orders/api-key")
    return endpoint, api_key
