"""The README tells a newcomer how the demo runs and points only to files inside the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_points_only_inside_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    outside = re.findall(r"(?:\.\./|/(?:work|tmp|home|root)/)[\w./-]*", text)
    assert outside == []


def test_the_readme_says_how_to_choose_the_port_and_debug_mode():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "PORT=" in text
    assert "DEBUG=" in text
