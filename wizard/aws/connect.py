"""The run's AWS session: the user's account, or the demo sandbox.

The top of the AWS layer: it imports both ``session`` (the account) and ``demo`` (the sandbox,
itself built on ``session``), so neither imports the other's caller and the layer has no
import circle.
"""

from __future__ import annotations

from wizard.aws.session import AwsSession, account_session


def make_session(
    *, profile: str | None = None, region: str | None = None, demo: bool = False
) -> AwsSession:
    """The run's session. Demo mode connects to (or starts) the shared demo sandbox."""
    if demo:
        from wizard.aws.demo import demo_session

        return demo_session(region=region)
    return account_session(profile=profile, region=region)
