"""Packages: ``wizard`` and its subpackages, plus ``catalogs/`` installed as ``wizard.catalogs``.

``catalogs/`` stays the reviewed source at the top of the repository; this mapping puts it
inside the package (in a wheel, and as the checkout's folder in an editable install), where
``wizard.catalog.data`` reads it with ``importlib.resources``. Everything else is in
``pyproject.toml`` (the data files each package carries: ``[tool.setuptools.package-data]``).

The build also writes the compiled form of each catalog YAML file (its data as JSON, with the
fingerprint of the text it came from: ``wizard.catalog.data.compile_catalogs``) into
``wizard/catalogs/compiled/`` of the wheel; an editable install writes it to the checkout's
``catalogs/compiled/`` (not tracked). A compiled form that no longer matches its YAML is
ignored at run time, so it can be stale but never wrong.
"""

import sys
from pathlib import Path

from setuptools import find_namespace_packages, find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCompiledCatalogs(build_py):
    def run(self):
        super().run()
        sys.path.insert(0, str(ROOT))  # the package being built, not an installed one
        try:
            from wizard.catalog.data import compile_catalogs
        finally:
            sys.path.remove(str(ROOT))
        source = ROOT / "catalogs"
        target = source if self.editable_mode else Path(self.build_lib, "wizard", "catalogs")
        compile_catalogs(source, target)


setup(
    packages=[
        *find_packages(include=["wizard", "wizard.*"]),
        "wizard.catalogs",
        *(
            f"wizard.catalogs.{sub}"
            for sub in find_namespace_packages(where="catalogs", exclude=["compiled*"])
        ),
    ],
    package_dir={"wizard.catalogs": "catalogs"},
    cmdclass={"build_py": BuildWithCompiledCatalogs},
)
