"""Benchmark: machine instructions of ``crampwise log`` and ``night`` against bare Python,
counted by valgrind.

Run: ``.venv/bin/python benchmarks/bench_log_instructions.py [OLD_SRC …]`` (needs
``valgrind``; about a minute). The timed benchmark (``bench_log.py``) is the target's
measure; on a shared machine its times move with the load, while the count of
instructions executed in user space does not, so this one tells whether a change made
the start-up smaller. It says nothing of the kernel's part (opening files, the durable
fsync, page faults), which ``bench_log.py``'s CPU and wall times include.

Each command runs once per source tree, as a fresh process of this interpreter on a
fresh copy of the two-year demo diary in the machine's zone (as ``bench_log.py``), and
``python -c "import sqlite3"`` is the baseline. ``OLD_SRC`` (the ``src`` folder of
another checkout) is counted the same way through ``PYTHONPATH``, for comparison.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = {
    "crampwise log": ["log", "--at", "around 3am", "--severity", "7", "--muscle", "calf"],
    "log calf left 8 3min": ["log", "calf", "left", "8", "3min"],
    "night --none --from --to": [
        "night", "--none", "--from", "2026-01-01", "--to", "2026-01-07",
    ],
}  # fmt: skip


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """Instructions the process ``cmd`` executed in user space (valgrind's callgrind)."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        sys.exit(f"no instruction count from valgrind:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_src", nargs="*", help="src folders of other checkouts")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    script = Path(sys.executable).with_name("crampwise")
    import crampwise

    trees = {"this checkout": str(Path(crampwise.__file__).parent.parent)}
    trees.update({f"old {i + 1}: {src}": src for i, src in enumerate(args.old_src)})
    for src in trees.values():
        compileall.compile_dir(os.path.join(src, "crampwise"), quiet=1)
    from crampwise._machinezone import zone_from_environment

    with tempfile.TemporaryDirectory() as folder:
        template, diary = Path(folder) / "home.sqlite", Path(folder) / "bench.sqlite"
        env = {**os.environ, "CRAMPWISE_DB": str(diary), "CRAMPWISE_HOME": folder}
        for words in (["demo"], ["profile", "set", "--timezone", zone_from_environment()]):
            subprocess.run(
                [str(script), "--db", str(template), *words],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        base = instructions([sys.executable, "-c", "import sqlite3"], env)
        print(f"{'python -c import sqlite3':28} {base / 1e6:7.1f} M instructions")
        for tree, src in trees.items():
            print(tree)
            tree_env = {**env, "PYTHONPATH": src}
            for name, words in COMMANDS.items():
                for extra in ("-wal", "-shm"):
                    Path(f"{diary}{extra}").unlink(missing_ok=True)
                shutil.copyfile(template, diary)
                count = instructions([str(script), *words], tree_env)
                print(f"  {name:26} {count / 1e6:7.1f} M  ratio {count / base:.3f}")


if __name__ == "__main__":
    main()
