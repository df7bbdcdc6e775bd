"""What an install of kb holds: every import declared, a parser that imports nothing it does not need,
``kb --version``, and the site templates found (and hashed) both in a source tree and as a wheel lays them out.

The installs themselves (a fresh virtualenv with no extras, a wheel used from another folder) are
.ci/check-install and .ci/check-wheel: they need PyPI, which tests do not reach."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_imports  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def run_python(code: str, *, cwd: Path = ROOT, pythonpath: Path | None = None) -> str:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- dependencies ---------------------------------------------------------------------------------


def test_every_third_party_import_of_kb_is_declared() -> None:
    assert check_imports.problems(ROOT) == []


def test_the_import_check_reports_what_pyproject_does_not_declare(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "kb"\ndependencies = ["Rich>=13", "py_yaml ; python_version > \'3\'"]\n', encoding="utf-8")
    package = tmp_path / "kb"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("import json\nfrom . import sub\nimport kb.sub\n", encoding="utf-8")
    (package / "sub" / "__init__.py").write_text(
        "from __future__ import annotations\nimport rich.console\nimport yaml\n\n\ndef later():\n"
        "    from lxml import etree\n    import not_installed_anywhere\n", encoding="utf-8")
    providers = {"rich": ["rich"], "yaml": ["PyYAML"], "lxml": ["lxml"]}

    assert check_imports.problems(tmp_path, providers) == [
        "lxml (imported at kb/sub/__init__.py:7) comes from lxml, which [project].dependencies does not declare",
        "not_installed_anywhere (imported at kb/sub/__init__.py:8) comes from no installed distribution: "
        "declare the one that provides it in [project].dependencies",
        "yaml (imported at kb/sub/__init__.py:3) comes from PyYAML, which [project].dependencies does not declare",
    ]
    assert check_imports.declared(tmp_path / "pyproject.toml") == {"rich", "py-yaml"}


def test_building_the_cli_parser_imports_no_library() -> None:
    """`kb --help` and every command's arguments need only the standard library: each command imports its
    libraries when it runs (the export parser used to import lxml, so every command failed without it)."""
    out = run_python(
        "import json, sys\nbefore = set(sys.modules)\nimport kb.cli\nkb.cli.build_parser()\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))", cwd=Path("/"))
    loaded = json.loads(out)
    assert sorted(m for m in loaded if m == "kb" or m.startswith("kb.")) == ["kb", "kb.cli", "kb.errors"]
    assert [m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "kb"] == []


def test_the_cli_export_formats_are_the_exporters() -> None:
    from kb.cli import EXPORT_FORMATS
    from kb.quality.export import FORMATS

    assert EXPORT_FORMATS == FORMATS


def test_kb_version_prints_the_installed_version(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kb", "--version"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"kb {PYPROJECT['project']['version']}\n", "")
    assert metadata.version("kb") == PYPROJECT["project"]["version"]


def test_the_kb_command_leaves_at_once_with_all_it_printed(tmp_path: Path) -> None:
    """``kb`` (kb.cli.run) exits without freeing its heap: piped output, block-buffered, must be flushed
    first, and the exit status is main's."""
    assert PYPROJECT["project"]["scripts"] == {"kb": "kb.cli:run"}
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # (as most users run it)
    topics = subprocess.run([sys.executable, "-m", "kb", "topics", "--content", str(ROOT / "content"), "--json",
                             "--jobs", "1"], cwd=tmp_path, env=buffered, capture_output=True, text=True, timeout=300)
    assert topics.returncode == 0 and topics.stderr == ""
    assert [t["slug"] for t in json.loads(topics.stdout)["topics"]] == ["multichannel-support"]
    missing = subprocess.run([sys.executable, "-m", "kb", "build", "--content", str(tmp_path / "absent"), "--build",
                              str(tmp_path / "out")], cwd=tmp_path, env=buffered, capture_output=True, text=True,
                             timeout=300)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"kb build: --content: '{tmp_path / 'absent'}' is not a folder\n"


# --- the site templates in the wheel --------------------------------------------------------------


def test_pyproject_lists_every_package_under_kb() -> None:
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kb").rglob("__init__.py")}
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert set(setuptools["packages"]) == on_disk | {"kb.site_templates"}
    assert setuptools["package-dir"] == {"kb.site_templates": "site_templates"}
    assert (ROOT / "site_templates" / "base.html").is_file()


PROBE = ("import json\nfrom kb.site.data import TEMPLATES\nfrom kb.output.incremental import code_version\n"
         "print(json.dumps([str(TEMPLATES), code_version()]))")


def copy_kb(dest: Path) -> None:
    shutil.copytree(ROOT / "kb", dest, ignore=shutil.ignore_patterns("__pycache__"))


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["source tree", "wheel"])
def test_templates_are_found_and_hashed_in_each_layout(layout: str, tmp_path: Path) -> None:
    """A source tree (and an editable install) keeps site_templates/ beside kb/; a wheel puts it inside,
    as kb/site_templates/. kb finds it either way, and a template's change changes code_version() (so an
    incremental build does not reuse pages rendered by the old template)."""
    copy_kb(tmp_path / "kb")
    templates = tmp_path / "site_templates" if layout == "source tree" else tmp_path / "kb" / "site_templates"
    shutil.copytree(ROOT / "site_templates", templates)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    found, before = json.loads(run_python(PROBE, cwd=elsewhere, pythonpath=tmp_path))
    assert found == str(templates)
    assert json.loads(run_python(PROBE, cwd=elsewhere, pythonpath=tmp_path))[1] == before  # stable
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8") + "<!-- changed -->\n", encoding="utf-8")
    found_after, after = json.loads(run_python(PROBE, cwd=elsewhere, pythonpath=tmp_path))
    assert found_after == str(templates) and after != before


@pytest.mark.slow
def test_a_kb_without_templates_says_where_it_looked(tmp_path: Path) -> None:
    copy_kb(tmp_path / "kb")
    done = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--content", str(ROOT / "content"), "--build", str(tmp_path / "out"),
         "--jobs", "1", "--quiet"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (
        2, "kb build: build failed, nothing was published: TemplatesMissing: site templates not found in "
           f"'{tmp_path / 'kb' / 'site_templates'}'\n")
    assert not (tmp_path / "out" / "current").exists()
