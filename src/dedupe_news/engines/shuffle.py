"""Shuffle: frames of numpy columns moved between Dask partitions by a key (hash or range).

A frame is a dict of equally long numpy columns (2-D columns move by row). A shuffle of m
partitions into p splits each partition into p frames by a routing function and concatenates
the j-th frames of all of them: m * p small tasks, the all-to-all of Dask's own task shuffle,
without a pandas row per key.
"""

from __future__ import annotations

from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
from dask.delayed import delayed

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from dask.delayed import Delayed
    from numpy.typing import NDArray

Frame = dict[str, "NDArray[Any]"]
Route = "Callable[[Frame], NDArray[np.int64]]"


def split_frame(
    frame: Frame, route: Callable[[Frame], NDArray[np.int64]], parts: int
) -> tuple[Frame, ...]:
    """Split a frame into `parts` frames by each row's destination, rows kept in order."""
    destination = route(frame)
    order = np.argsort(destination, kind="stable")
    bounds = np.searchsorted(destination[order], np.arange(parts + 1))
    return tuple(
        {name: column[order[low:high]] for name, column in frame.items()}
        for low, high in pairwise(bounds.tolist())
    )


def concat_frames(frames: Sequence[Frame]) -> Frame:
    """Concatenate frames with the same columns, in order."""
    return {name: np.concatenate([f[name] for f in frames]) for name in frames[0]}


def by_hash(column: str, parts: int, frame: Frame) -> NDArray[np.int64]:
    """Route rows by a uint64 key column modulo `parts` (keys are hashes already)."""
    return (frame[column].astype(np.uint64) % np.uint64(parts)).astype(np.int64)


def by_range(column: str, bounds: NDArray[np.int64], frame: Frame) -> NDArray[np.int64]:
    """Route rows by an int64 column into the ranges `[bounds[j], bounds[j + 1])`."""
    return (np.searchsorted(bounds, frame[column], side="right") - 1).astype(np.int64)


def hashed(column: str, parts: int) -> Callable[[Frame], NDArray[np.int64]]:
    """Return a picklable hash route on `column`."""
    return partial(by_hash, column, parts)


def ranged(column: str, bounds: NDArray[np.int64]) -> Callable[[Frame], NDArray[np.int64]]:
    """Return a picklable range route on `column`."""
    return partial(by_range, column, bounds)


def shuffle(
    frames: Sequence[Delayed], route: Callable[[Frame], NDArray[np.int64]], parts: int
) -> list[Delayed]:
    """Move the rows of delayed frames to `parts` delayed frames by `route`."""
    splits = [delayed(split_frame, nout=parts)(f, route, parts) for f in frames]
    return [delayed(concat_frames)([s[j] for s in splits]) for j in range(parts)]


def range_bounds(total: int, parts: int) -> NDArray[np.int64]:
    """Return `parts` + 1 ascending bounds cutting [0, total) into nearly equal ranges.

    Examples:
        >>> range_bounds(10, 3).tolist()
        [0, 3, 6, 10]
    """
    return np.linspace(0, total, parts + 1).astype(np.int64)
