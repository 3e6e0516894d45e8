"""lambda-role-wizard: least-privilege AWS Lambda execution roles."""

__version__ = "0.1.0"
