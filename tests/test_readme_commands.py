"""Every command of the README's "What you can do" section runs as written in a fresh copy of the repository.

The copy holds the files git knows (tracked, plus new files not ignored) and
no shared reference folder beside it, as a clone would; the commands run from its top,
with ``minekb`` being this interpreter's ``python -m minekb.cli`` (the copy's
own code comes first on sys.path), on a knowledge base built from the copy's
bundled knowledge.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## What you can do", 1)[1].split("\n## ", 1)[0]
    commands = []
    for line in section.splitlines():
        if not line.startswith("    minekb "):
            continue
        line = re.sub(r"\s+#\s.*$", "", line.strip())  # the comment
        commands += [c.strip() for c in line.split(" ; ")]
    return commands


def test_the_readme_lists_the_commands():
    cmds = readme_commands()
    assert len(cmds) >= 12
    assert all(c.startswith("minekb ") for c in cmds)


def _fresh_copy(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        rel = name.decode()
        src = REPO / rel
        if not src.is_file():  # deleted in the working tree
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    root = tmp_path_factory.mktemp("fresh")
    copy = _fresh_copy(root / "minekb")
    assert not (root / "shared").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINEKB_")}
    env["MINEKB_HOME"] = str(root / "home")
    env["PYTHONPATH"] = str(copy)
    where = subprocess.run([sys.executable, "-c", "import minekb, rules; print(minekb.__file__, rules.__file__)"],
                           cwd=copy, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(w.startswith(str(copy)) for w in where), where  # the copy's code, not this checkout's
    return copy, env


@pytest.mark.slow
@pytest.mark.parametrize("command", readme_commands())
def test_a_readme_command_runs_as_written(clone, command):
    copy, env = clone
    argv = shlex.split(command)
    proc = subprocess.run([sys.executable, "-m", "minekb.cli", *argv[1:]], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{command}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert (proc.stdout + proc.stderr).strip()


@pytest.mark.slow
def test_the_readme_setup_then_first_advice_in_a_fresh_copy(tmp_path):
    """`scripts/minekb advise …` in a fresh copy: set-up (serve level: .venv, the project) then the advice."""
    import json
    import time

    copy = _fresh_copy(tmp_path / "minekb")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINEKB_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env["MINEKB_HOME"] = str(tmp_path / "home")
    started = time.monotonic()
    proc = subprocess.run(["scripts/minekb", "advise", "examples/mine.json", "--json"], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=1200)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout)["mine_id"] == "JX-GZ-2019-017"
    assert (copy / ".venv" / "bin" / "minekb").exists()
    assert not (copy / ".venv" / ".minekb-installed").exists()  # serving did not install the test extras
    print(f"fresh copy to first advice: {elapsed:.0f} s")
