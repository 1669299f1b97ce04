"""A non-editable install finds the built-in content: the wheel carries it inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_content_cues_prompts_and_styles(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("roleplay-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("personas", "scenarios"):
        shipped = {f"roleplay/_content/{kind}/{p.name}" for p in (ROOT / kind).glob("*.yaml")}
        assert shipped and shipped <= names, kind
    assert "roleplay/_content/rubrics/default.yaml" in names
    assert "roleplay/_content/frameworks/foc.yaml" in names
    assert {"roleplay/analysis/cues/en.yaml", "roleplay/analysis/cues/zh.yaml"} <= names
    assert "roleplay/ui/roleplay.tcss" in names
    assert any(n.startswith("roleplay/prompts/") and n.endswith(".j2") for n in names)
