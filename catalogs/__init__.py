"""The reviewed data catalog. The build installs this folder as the package data of
``wizard.catalogs`` (see ``setup.py``); the code reads it through ``wizard.catalog.data``."""
