"""What an install of kb holds: every import declared, a parser that imports nothing it does not need,
and ``kb --version``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

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
