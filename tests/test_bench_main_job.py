"""The main-job benchmark's table: memory beyond the input in consistent units."""

from __future__ import annotations

from benchmarks.main_job import ScanRow, scan_table


def test_memory_beyond_the_input_subtracts_bytes_from_bytes() -> None:
    """Peak RSS (MiB) and the input (MB) are both turned to bytes before the subtraction."""
    row = ScanRow(20_000, 95.529396, "json", seconds=7.56, peak_rss_mb=631.0, report_mb=190.0)
    line = scan_table([row], {20_000: 308_480}).splitlines()[-1]
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[7] == "1.84"  # (631 * 2**20 - 95,529,396) bytes / 308,480 segments, in kB
