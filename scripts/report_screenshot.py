"""Regenerate screenshots/report-orders-api.png: the HTML access report (`role-wizard report
SPEC --format html`) of the demo's orders-api spec (the role of docs/workshop.md's Part 1, as
scripts/screenshots.py drives the wizard with), rendered by headless Chromium.

    apt-get install chromium          # Debian's package; any Chromium or Chrome on PATH works
    python scripts/report_screenshot.py [--browser PATH] [--out screenshots]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", default=shutil.which("chromium") or shutil.which("chrome"))
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    if not args.browser:
        raise SystemExit("report_screenshot: no chromium on PATH (apt-get install chromium)")
    from screenshots import demo_spec
    from wizard.cli.report import spec_report
    from wizard.report.html import render_html

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        here = os.getcwd()
        os.chdir(tmp)  # the report names the spec as given: orders-api.role.yaml
        try:
            Path("orders-api.role.yaml").write_text(demo_spec().to_yaml(), encoding="utf-8")
            page = Path(tmp) / "report.html"
            page.write_text(render_html(spec_report("orders-api.role.yaml")), encoding="utf-8")
        finally:
            os.chdir(here)
        png = out / "report-orders-api.png"
        subprocess.run(
            [
                args.browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1100,640",
                f"--screenshot={png}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
