"""lambda-role-wizard: least-privilege AWS Lambda execution roles."""

from wizard.yamlstart import seed_pyyaml_reader

__version__ = "0.1.0"

seed_pyyaml_reader()  # before any module of the package imports PyYAML
