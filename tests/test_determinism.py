"""Determinism: same input and config give the same report bytes in any process and order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dedupe_news.demo import seed_folder


def _scan(paths: list[Path], hash_seed: str, tmp_path: Path) -> bytes:
    out = tmp_path / f"report-{hash_seed}-{paths[0].name}.json"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-m", "dedupe_news", "scan", *map(str, paths), "--output", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603 - our own CLI
    return out.read_bytes()


def test_same_bytes_across_hash_seeds_and_input_order(tmp_path: Path) -> None:
    """Two PYTHONHASHSEEDs and the files in reverse order produce byte-identical reports."""
    files = sorted(seed_folder().glob("*.txt"))
    first = _scan(files, "0", tmp_path)
    assert first == _scan(files, "4242", tmp_path)
    assert first == _scan(files[::-1], "77", tmp_path)
    assert b'"clusters"' in first
