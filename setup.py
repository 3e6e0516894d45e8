"""Packages: ``wizard`` and its subpackages, plus ``catalogs/`` installed as ``wizard.catalogs``.

``catalogs/`` stays the reviewed source at the top of the repository; this mapping puts it
inside the package (in a wheel, and as the checkout's folder in an editable install), where
``wizard.catalog.data`` reads it with ``importlib.resources``. Everything else is in
``pyproject.toml`` (the data files each package carries: ``[tool.setuptools.package-data]``).
"""

from setuptools import find_namespace_packages, find_packages, setup

setup(
    packages=[
        *find_packages(include=["wizard", "wizard.*"]),
        "wizard.catalogs",
        *(f"wizard.catalogs.{sub}" for sub in find_namespace_packages(where="catalogs")),
    ],
    package_dir={"wizard.catalogs": "catalogs"},
)
