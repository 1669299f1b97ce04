"""The layers in DESIGN.md hold: the core is pure, and start-up does not pay for heavy imports."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "roleplay"
PURE = ("domain", "analysis", "director", "grading")
FORBIDDEN_IMPORTS = {"textual", "litellm", "tinydb", "random", "time", "rich"}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time", "random", "randint", "choice", "shuffle"}


def _pure_modules():
    for layer in PURE:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            if layer == "grading" and path.name == "judge.py":
                continue  # the optional LLM judge is an edge, called only when a model is configured
            yield path


@pytest.mark.parametrize("path", list(_pure_modules()), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_layers_import_no_ui_llm_storage_clock_or_randomness(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module.split(".")[0]]
            if node.module == "roleplay" or node.module.startswith("roleplay."):
                layer = node.module.split(".")[1] if "." in node.module else ""
                assert layer not in {"ui", "store", "engines", "session", "cli", "llm"}, f"{path}: imports {node.module}"
        assert not set(names) & FORBIDDEN_IMPORTS, f"{path}:{node.lineno} imports {names}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_CALLS:
            base = getattr(node.func.value, "id", "")
            assert base not in {"datetime", "date", "time", "random"}, f"{path}:{node.lineno} calls {base}.{node.func.attr}"


def test_help_does_not_import_litellm_or_textual():
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "roleplay", "--help"],
                         capture_output=True, text=True, check=True)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert "litellm" not in imported
    assert "textual" not in imported
    assert "usage: roleplay" in out.stdout


def test_only_the_store_imports_tinydb():
    for path in PACKAGE.rglob("*.py"):
        if "store" in path.relative_to(PACKAGE).parts:
            continue
        assert "import tinydb" not in path.read_text(encoding="utf-8") and "from tinydb" not in path.read_text(encoding="utf-8"), path


def test_an_offline_call_never_imports_litellm(tmp_path):
    script = Path(__file__).parent / "scripts" / "path_1_acceptor_good.txt"
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "roleplay", "run", "--no-save",
                          "--scenario", "path_1_acceptor", "--script", str(script)],
                         capture_output=True, text=True, check=True, env={**os.environ, "ROLEPLAY_HOME": str(tmp_path)})
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert "litellm" not in imported and "textual" not in imported
    assert "Outcome: referral" in out.stdout
