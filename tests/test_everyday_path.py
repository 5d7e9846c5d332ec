"""Issue 11, item 9: after the quick start, a new terminal at 3 a.m. finds ``crampwise``;
the demo says where its diary is as a path, not a ``sqlite:////…`` URL.

``scripts/link.sh`` (run by ``scripts/setup.sh``, so by ``scripts/demo.sh``) is run here
for real, in a made-up home folder, and a new interactive bash - what a new terminal
starts - must then run ``crampwise``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINK_SH = ROOT / "scripts" / "link.sh"
VENV_CRAMPWISE = ROOT / ".venv" / "bin" / "crampwise"

pytestmark = pytest.mark.skipif(
    not VENV_CRAMPWISE.exists(), reason="needs the .venv that scripts/setup.sh makes"
)

#: A PATH without ~/.local/bin, as on a fresh machine.
BARE_PATH = "/usr/local/bin:/usr/bin:/bin"


def _link(home: Path, path: str = BARE_PATH, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(LINK_SH)],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "PATH": path, **extra},
        timeout=60,
        check=True,
    )


def _new_terminal(home: Path, command: str) -> subprocess.CompletedProcess[str]:
    """What a new terminal does: an interactive bash that reads ~/.bashrc."""
    return subprocess.run(
        ["bash", "-i", "-c", command],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "PATH": BARE_PATH, "TERM": "dumb"},
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_a_new_terminal_runs_crampwise_after_the_quick_start(tmp_path: Path) -> None:
    before = _new_terminal(tmp_path, "command -v crampwise")
    assert before.returncode != 0  # not found, as the fresh terminal said
    result = _link(tmp_path)
    link = tmp_path / ".local" / "bin" / "crampwise"
    assert link.is_symlink() and link.resolve() == VENV_CRAMPWISE.resolve()
    assert f"linked {link} -> {VENV_CRAMPWISE}" in result.stdout
    assert "added ~/.local/bin to your PATH in ~/.bashrc" in result.stdout
    after = _new_terminal(tmp_path, "command -v crampwise && crampwise --version")
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines()[0] == str(link)
    assert after.stdout.splitlines()[1].startswith("crampwise ")


def test_running_it_again_changes_nothing_twice(tmp_path: Path) -> None:
    _link(tmp_path)
    bashrc = (tmp_path / ".bashrc").read_text()
    second = _link(tmp_path)
    assert (tmp_path / ".bashrc").read_text() == bashrc
    assert "added ~/.local/bin" not in second.stdout
    assert bashrc.count("export PATH") == 1


def test_a_path_that_has_local_bin_already_is_not_touched(tmp_path: Path) -> None:
    result = _link(tmp_path, path=f"{tmp_path}/.local/bin:{BARE_PATH}")
    assert (tmp_path / ".local" / "bin" / "crampwise").is_symlink()
    assert not (tmp_path / ".bashrc").exists()
    assert "bashrc" not in result.stdout


def test_someone_elses_crampwise_is_left_alone(tmp_path: Path) -> None:
    bin_dir = tmp_path / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "crampwise").write_text("#!/bin/sh\necho mine\n")
    result = _link(tmp_path)
    assert (bin_dir / "crampwise").read_text() == "#!/bin/sh\necho mine\n"
    assert "already exists and is not a link made by crampwise; left it alone" in result.stdout


def test_it_can_be_skipped(tmp_path: Path) -> None:
    result = _link(tmp_path, CRAMPWISE_NO_LINK="1")
    assert result.stdout == "" and not (tmp_path / ".local").exists()


def test_the_quick_start_links_and_the_dev_setup_does_not() -> None:
    """demo.sh runs setup.sh, whose plain (not dev) run ends with link.sh."""
    demo = (ROOT / "scripts" / "demo.sh").read_text()
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "bash scripts/setup.sh\n" in demo
    assert 'if [ "${1:-}" != "dev" ]; then\n  bash scripts/link.sh\nfi' in setup


def test_the_demo_first_line_shows_a_readable_path(cli: Any, db_url: str) -> None:
    code, out, _ = cli("demo", "--yes")
    assert code == 0
    first = out.splitlines()[0]
    if db_url.startswith("postgresql"):
        assert first == f"Loaded the crampwise demo story into {db_url}"
    else:
        assert first == f"Loaded the crampwise demo story into {os.path.abspath(db_url)}"
        assert "sqlite:" not in out


def test_a_password_in_a_server_url_is_not_printed() -> None:
    from crampwise.cli._app import readable_db

    url = "postgresql+psycopg://ann:s3cret@db.example:5432/diary"
    assert readable_db(url, url) == "postgresql+psycopg://ann:***@db.example:5432/diary"
    assert readable_db("sqlite:////home/a/d.sqlite", "d.sqlite") == os.path.abspath("d.sqlite")
