"""The README is a guide a newcomer reads in ten minutes, and CI runs what it says."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    """The ```sh blocks of the README's "Set up" section, in order."""
    section = README.split("\n## Set up\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_the_readme_is_at_most_450_lines() -> None:
    assert len(README.splitlines()) <= 450


def test_the_readme_starts_with_the_two_set_up_commands() -> None:
    main, tests = setup_commands()
    assert main == ("python3 -m venv .venv && .venv/bin/pip install -q -e . && "
                    ".venv/bin/kb build --content content --build build && .venv/bin/kb serve --build build")
    assert tests == ("python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && bash .ci/install-chromium "
                     "&& .venv/bin/python -m pytest")
    assert README.index("## Set up") < README.index("## What kb does") < README.index("## Commands")


def test_ci_runs_the_readme_test_command_as_written() -> None:
    _, tests = setup_commands()
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in run.splitlines()


def test_the_readme_says_how_to_run_the_quick_set() -> None:
    assert '.venv/bin/python -m pytest -m "not slow and not browser"' in README


def test_the_performance_log_has_its_own_file() -> None:
    log = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert "## Scaling out" in log and "**Sessions: `kb serve --watch`.**" in log
    assert "**Sessions: `kb serve --watch`.**" not in README
    assert "(docs/performance.md)" in README
