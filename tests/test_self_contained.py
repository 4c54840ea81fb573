"""The repository is self-contained: no path outside it in code, docs or data.

A fresh clone has no shared reference folder beside it and no particular
machine layout, so nothing the project ships may point at either: the profile
reference is docs/profile.md, and the seed documents are found through
minekb/shared.py ($MINEKB_SEEDS, $MINEKB_SHARED) or not at all.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve().relative_to(REPO).as_posix()

OUTSIDE = re.compile(
    r"\.\./shared"                      # the shared folder beside the checkout, by relative path
    r"|(?<![\w.~-])/work/"              # this machine's layout
    r"|(?<![\w.~-])/home/[a-z_]"
    r"|(?<![\w.~-])/root/"
    r"|(?<![\w.~-])/Users/"
    r"|\b[A-Z]:\\\\"
)

# Deliberate fake paths: (file, text on the line) — e.g. a made-up server path
# that an error page must not leak.
ALLOWED = {
    ("tests/test_webui_security_review.py", "/work/secret/path.py"),
}


def _shipped_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    return [REPO / n.decode() for n in out if n and n.decode() != THIS]


def test_no_path_outside_the_repository():
    found = []
    for path in _shipped_files():
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files
        for lineno, line in enumerate(text.splitlines(), 1):
            rel = path.relative_to(REPO).as_posix()
            if OUTSIDE.search(line) and not any(rel == f and t in line for f, t in ALLOWED):
                found.append(f"{path.relative_to(REPO)}:{lineno}: {line.strip()[:120]}")
    assert not found, "paths outside the repository:\n" + "\n".join(found)


def test_the_pattern_catches_what_it_must():
    for bad in ("see ../shared/contracts/mine-profile.md", 'Path("/work/shared/seeds")', "/home/alice/x"):
        assert OUTSIDE.search(bad), bad
    for fine in ("https://w3id.org/minekb/id/work/<hash>", "docs/profile.md", "~/.minekb"):
        assert not OUTSIDE.search(fine), fine


def test_the_seeds_are_found_by_environment_or_not_at_all(tmp_path, monkeypatch):
    from minekb import shared

    monkeypatch.delenv("MINEKB_SEEDS", raising=False)
    monkeypatch.setenv("MINEKB_SHARED", str(tmp_path / "nowhere"))
    assert shared.seeds_dir() is None
    (tmp_path / "sh" / "seeds").mkdir(parents=True)
    monkeypatch.setenv("MINEKB_SHARED", str(tmp_path / "sh"))
    assert shared.seeds_dir() == tmp_path / "sh" / "seeds"
    monkeypatch.setenv("MINEKB_SEEDS", str(tmp_path / "sh"))
    assert shared.seeds_dir() == tmp_path / "sh"
    assert "MINEKB_SHARED" in shared.SEEDS_HELP


def test_users_see_papers_by_their_names_not_by_internal_numbers(kb):
    """Cases and definitions rest on research papers; advice and pages name them (《title》（authors, year）),
    never by the numbers the project files them under (seed:001, 种子文献000)."""
    import json
    import re

    advice = kb.advisor.advise({"id": "m", "province": "江西", "mineral": "rare_earth", "mining_method": "in_situ_leaching"})
    text = json.dumps(advice, ensure_ascii=False)
    assert not re.search(r"seed:\s*0\d\d|种子文献", text)
    refs = [r for p in advice["precedents"] for r in p.get("seed_refs", [])]
    assert refs and all(r.startswith("《") for r in refs), refs
    from webui import create_app

    client = create_app(kb, {}).test_client()
    for concept in ("japan", "principle_trigger_remedies", "gov_department"):
        html = client.get(f"/concepts/{concept}").get_data(as_text=True)
        assert not re.search(r"seed:\s*0\d\d|种子文献", html), concept
