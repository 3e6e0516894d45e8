"""Regenerate screenshots/: one SVG (from Textual) and one PNG (via cairosvg) per wizard step,
driving the real wizard on a fresh demo sandbox (its own state directory, stopped at the end)
with the role of docs/workshop.md's Part 1; it stops if the sandbox lacks one of its resources.

    pip install -e '.[screenshots]'   # cairosvg; the PNGs need libcairo2 and a monospace font
    python scripts/screenshots.py [--font "DejaVu Sans Mono"] [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (120, 38)
STEPS = ("1-function", "2-resources", "3-access", "4-options", "5-review", "6-finish")


def png_ready_svg(svg: str, font: str) -> str:
    """Drop remote @font-face rules and use a locally installed monospace font."""
    svg = re.sub(r"@font-face\s*\{[^}]*\}", "", svg)
    return re.sub(r"font-family:\s*[^;\"}]+", f"font-family: {font}", svg)


def demo_spec():
    """The role of docs/workshop.md's Part 1, on resources the demo sandbox seeds
    (wizard/aws/demo.py): the Orders table, the uploads bucket's incoming/ prefix, a topic."""
    from wizard.aws.demo import DEMO_ACCOUNT, DEMO_REGION
    from wizard.spec import ResourceEntry, RoleSpec

    bucket = "demo-orders-uploads"
    return RoleSpec(
        function="orders-api",
        account=DEMO_ACCOUNT,
        region=DEMO_REGION,
        resources=[
            ResourceEntry(kind="dynamodb-table", name="Orders", access="read-write"),
            ResourceEntry(kind="s3-prefix", bucket=bucket, prefix="incoming/"),
            ResourceEntry(kind="sns-topic", name="order-placed"),
        ],
    )


def check_in_sandbox(discoverer, spec) -> None:
    """Every resource of the spec is one the sandbox lists (screens show what users see)."""
    for entry in spec.resources:
        if entry.kind == "s3-prefix":
            names = {item.name for item in discoverer.list("s3-prefix", bucket=entry.bucket)}
            wanted = entry.prefix
        else:
            names = {item.name for item in discoverer.list(entry.kind)}
            wanted = entry.name
        if wanted not in names:
            raise SystemExit(
                f"screenshots: the demo sandbox has no {entry.kind} {wanted!r}: {names}"
            )


async def capture(out: Path) -> list[Path]:
    from wizard.drafts import DraftStore
    from wizard.tui.app import WizardApp

    written = []
    with tempfile.TemporaryDirectory() as tmp:
        app = WizardApp(
            demo_spec(),
            demo=True,
            drafts=DraftStore(Path(tmp) / "drafts"),
            offer_resume=False,
            output_dir="out",
            cursor_blink=False,
        )
        async with app.run_test(size=SIZE) as pilot:
            await app.session_worker.wait()
            await asyncio.to_thread(check_in_sandbox, app.discoverer(), app.spec)
            await pilot.pause()
            for index, name in enumerate(STEPS):
                app.goto_step(index)
                await pilot.pause()
                worker = getattr(app.screen, "worker", None)
                if worker is not None:
                    await worker.wait()
                await pilot.pause()
                if name == "5-review":
                    screen = app.screen
                    screen.query_one("#ask-action").value = "dynamodb:DeleteItem"
                    screen.query_one(
                        "#ask-resource"
                    ).value = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
                    await pilot.pause()
                path = out / f"{name}.svg"
                app.save_screenshot(filename=path.name, path=str(out))
                written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--font", default="DejaVu Sans Mono")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # A sandbox of its own, freshly seeded, whatever the user's demo holds; stopped at the end.
    state = tempfile.mkdtemp(prefix="role-wizard-screenshots-")
    os.environ["XDG_STATE_HOME"] = state
    try:
        svgs = asyncio.run(capture(out))
    finally:
        from wizard.aws.demo import stop_sandbox

        stop_sandbox()
        shutil.rmtree(state, ignore_errors=True)
    try:
        import cairosvg
    except ImportError:
        print("cairosvg is missing (pip install -e '.[screenshots]'): wrote SVGs only")
        return 0
    for svg in svgs:
        text = png_ready_svg(svg.read_text(encoding="utf-8"), args.font)
        cairosvg.svg2png(bytestring=text.encode("utf-8"), write_to=str(svg.with_suffix(".png")))
        print(f"wrote {svg} and {svg.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
