"""What an install of kb holds: every library kb imports is declared in pyproject.toml."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_imports  # noqa: E402

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
