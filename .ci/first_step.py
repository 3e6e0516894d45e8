"""Start the wizard of the *installed* package headless (Textual's run_test) to its first step.

Run by the installed environment's python from outside the checkout (``.ci/installed_smoke.sh``):
it draws step 1 with the package's stylesheet, loads the domain (the catalog) and the demo
sandbox in the app's worker, then goes to step 2 (which reads the kinds catalog). Exits non-zero
with a message naming what failed.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path


def fail(message: str) -> None:
    sys.exit(f"installed smoke: the wizard: {message}")


async def main() -> None:
    import wizard
    from wizard.tui.app import WizardApp

    where = Path(wizard.__file__).resolve()
    if len(sys.argv) > 1 and Path(sys.argv[1]).resolve() in where.parents:
        fail(f"imported from the checkout ({where}), not from the installed package")
    with tempfile.TemporaryDirectory() as out:
        app = WizardApp(demo=True, offer_resume=False, output_dir=out, cursor_blink=False)
        async with app.run_test(size=(110, 36)) as pilot:
            await app.session_worker.wait()
            await pilot.pause()
            if getattr(app.screen, "STEP", None) != "function":
                fail(f"step 1 (function) is not shown: {type(app.screen).__name__}")
            if app.bundle is None:
                fail(f"step 1 composed no role: {app.compose_error or app.session_state}")
            if "demo sandbox" not in app.session_state:
                fail(f"the demo sandbox did not start: {app.session_state}")
            await pilot.press("ctrl+n")
            await pilot.pause()
            if getattr(app.screen, "worker", None) is not None:
                await app.screen.worker.wait()  # the demo sandbox's listing of the first kind
            await pilot.pause()
            if getattr(app.screen, "STEP", None) != "resources":
                fail(f"ctrl+n did not reach step 2 (resources): {type(app.screen).__name__}")
    print(f"the wizard: steps 1 and 2 shown from {where.parent}")


if __name__ == "__main__":
    asyncio.run(main())
