from wizard.cli import script

script()
