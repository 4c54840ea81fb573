"""scripts/setup: checks that never flake, no sudo when absent, serving apart from testing."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SETUP = REPO / "scripts" / "setup"


def _fake_bin(tmp_path: Path, **scripts: str) -> dict:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in scripts.items():
        f = bin_dir / name.replace("_", "-")
        f.write_text("#!/bin/sh\n" + body + "\n")
        f.chmod(0o755)
    return dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")


# fontconfig and the linker cache print the match first, then much more: a
# `| grep -q` stops reading at the match and the writer dies of SIGPIPE.
_BIG = "i=0; while [ $i -lt 4000 ]; do echo 'Some Other Font Family With A Long Name,Regular'; i=$((i+1)); done"
_PRESENT = dict(
    fc_list="echo 'Noto Sans CJK SC,Noto Sans CJK SC Regular'; " + _BIG,
    ldconfig="echo '\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/libpango-1.0.so.0'; " + _BIG,
    chromium="exit 0", java="exit 0",
)


def test_the_check_never_reports_a_false_missing_in_100_runs(tmp_path):
    env = _fake_bin(tmp_path, **_PRESENT)
    for what in ("serve", "test"):
        for _ in range(50):
            out = subprocess.run([str(SETUP), "--check", what], env=env, capture_output=True, text=True)
            assert out.returncode == 0 and out.stdout.strip() == "", out


def test_serving_does_not_need_chromium_or_java(tmp_path):
    env = _fake_bin(tmp_path, **dict(_PRESENT, chromium="exit 1", java="exit 1"))
    # chromium/java "absent": hide the real ones by a PATH of only the fake bin plus the basics
    env["PATH"] = f"{tmp_path / 'bin'}:/usr/bin:/bin:/usr/sbin:/sbin"
    for name in ("chromium", "java"):
        (tmp_path / "bin" / name).unlink()
    real = {n for n in ("chromium", "java") if any(Path(d, n).exists() for d in ("/usr/bin", "/bin"))}
    serve = subprocess.run([str(SETUP), "--check", "serve"], env=env, capture_output=True, text=True)
    assert serve.stdout.split() == []
    test = subprocess.run([str(SETUP), "--check", "test"], env=env, capture_output=True, text=True)
    expected = {"chromium", "default-jre-headless"} - {("default-jre-headless" if n == "java" else n) for n in real}
    assert set(test.stdout.split()) == expected


def test_without_root_or_sudo_it_says_what_to_install_by_hand(tmp_path):
    env = _fake_bin(tmp_path, **dict(_PRESENT, fc_list="exit 0"), id="echo 1000", sudo="exit 1",
                    apt_get="echo 'apt-get must not run' >&2; exit 99")
    out = subprocess.run([str(SETUP), "test"], env=env, capture_output=True, text=True)
    assert out.returncode == 1
    assert "apt-get must not run" not in out.stderr
    assert "install them by hand" in out.stderr and "fonts-noto-cjk" in out.stderr
    assert "sudo: command not found" not in out.stderr


def test_apt_waits_for_the_dpkg_lock():
    text = SETUP.read_text()
    assert text.count("DPkg::Lock::Timeout") >= 2
    assert "| grep" not in "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("script,level", [("minekb", "serve"), ("test", "test")])
def test_the_two_commands_set_up_their_own_level(script, level):
    import re

    assert re.search(rf'scripts/setup"? {level}\b', (REPO / "scripts" / script).read_text())
