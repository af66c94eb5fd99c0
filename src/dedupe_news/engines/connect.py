"""Connect: the Dask scheduler a run uses, an address or local worker processes.

`local:N` starts N worker processes of one thread each (the kernels are capped at one
thread per task, so N processes use N cores).
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

from dedupe_news.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def scheduler(address: str | None) -> Iterator[object]:
    """Connect to a Dask scheduler for the block: `local:N` starts N local worker processes.

    None keeps Dask's current scheduler (a client already made, or the configured one).
    """
    if address is None:
        with nullcontext() as nothing:
            yield nothing
        return
    from distributed import Client, LocalCluster  # noqa: PLC0415 - the extra, on demand

    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            msg = f"scheduler must be an address or local:N with N >= 1, got {address!r}"
            raise ConfigError(msg)
        with (
            LocalCluster(
                n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    with Client(address) as client:
        yield client
