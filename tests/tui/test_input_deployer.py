"""The deployer option on apply: the wizard creates the deployer policy, its name shown and
editable, checked by the same domain rule as the CLI's --deployer-policy-name."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from wizard.spec import ResourceEntry, RoleSpec

from .conftest import settled

SIZE = (120, 40)


def spec(**kwargs) -> RoleSpec:
    return RoleSpec(
        function="deploy-fn",
        account="123456789012",
        region="us-east-1",
        resources=[ResourceEntry(kind="sqs-queue", name="orders-events", access="consume")],
        **kwargs,
    )


def test_apply_creates_the_deployer_policy_under_the_name_typed(make_app):
    async def run() -> None:
        app = make_app(spec=spec(), offer_resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(5)
            await settled(pilot)
            screen = app.screen
            name = screen.query_one("#deployer-name", Input)
            assert name.display and name.placeholder == "deploy-fn-role-deployer"
            name.value = "bad name"
            screen.query_one("#plan").press()
            await settled(pilot)
            assert "policy name 'bad name' must be" in screen.query_one("#result").text
            assert screen.plan is None
            name.value = "ci-deploy"
            screen.query_one("#plan").press()
            await settled(pilot)
            assert "ci-deploy" in screen.query_one("#result").text
            screen.query_one("#apply").press()
            await pilot.pause()
            await pilot.click("#yes")
            await settled(pilot)
            iam = app.aws_session().client("iam")
            arn = "arn:aws:iam::123456789012:policy/ci-deploy"
            assert iam.get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == "ci-deploy"

    asyncio.run(run())


def test_no_deployer_name_without_the_deployer_option(make_app):
    async def run() -> None:
        app = make_app(spec=spec(deployer=False), offer_resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(5)
            await settled(pilot)
            assert not app.screen.query_one("#deployer-name", Input).display
            assert app.screen.deployer_name() is None

    asyncio.run(run())


def test_the_deployer_policy_name_is_kept_in_the_spec_and_resumed_from_the_draft(make_app):
    from wizard.spec import load_spec_text

    from .conftest import FakeDiscoverer

    async def name_it() -> RoleSpec:
        app = make_app(spec=spec(), discoverer=FakeDiscoverer({}), offer_resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            app.goto_step(5)
            await settled(pilot)
            name = app.screen.query_one("#deployer-name", Input)
            name.value = "bad name"  # refused: the spec keeps the default
            await settled(pilot)
            assert app.spec.deployer_policy is None
            name.value = "ci-deploy"
            await settled(pilot)
            assert app.spec.deployer_policy == "ci-deploy"
            assert app.bundle.deployer.name == "ci-deploy"
            return app.drafts.load(app.draft_id)

    async def resume() -> str:
        app = make_app(discoverer=FakeDiscoverer({}))
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            await pilot.press("enter")  # the offered draft, at its step
            await settled(pilot)
            assert app.screen.STEP == "finish"
            return app.screen.query_one("#deployer-name", Input).value

    drafted = asyncio.run(name_it())
    assert drafted.deployer_policy == "ci-deploy"
    assert load_spec_text(drafted.to_yaml())[0].deployer_policy == "ci-deploy"
    assert asyncio.run(resume()) == "ci-deploy"
