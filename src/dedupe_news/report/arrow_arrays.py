"""Arrow arrays: numpy columns and Python strings -> pyarrow arrays, built from buffers.

`pyarrow.array` imports pandas on its first call when pandas is installed (to ask whether
its argument is a pandas object): 0.3-0.5 s and 50 MB of a `--format parquet` run that never
uses pandas. The arrays here are built from numpy buffers and UTF-8 bytes instead, which
never calls it, and with no Python object per row beyond each string's encoded bytes.
`pa` is the pyarrow module, passed in: pyarrow is optional and imported by `report.arrow`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

_INT32_MAX = 2**31 - 1  # the largest offset of a `pa.string()` array


def numbers(pa: Any, values: NDArray[Any]) -> Any:  # noqa: ANN401 - pyarrow
    """Return an int32, int64 or float64 array over a numpy array's buffer, without nulls."""
    kind = {"i4": pa.int32(), "i8": pa.int64(), "f8": pa.float64()}[values.dtype.str[1:]]
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def strings(pa: Any, values: Sequence[str]) -> Any:  # noqa: ANN401 - pyarrow
    """Return a string array of these strings (none of them None).

    Raises:
        UnicodeEncodeError: A string holds a lone surrogate (as `pyarrow.array` raises).
    """
    encoded = list(map(str.encode, values))
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=offsets[1:])
    if offsets[-1] > _INT32_MAX:  # too long for one array: Arrow splits it, as it always did
        return pa.array(values, pa.string())
    data = pa.py_buffer(b"".join(encoded))
    return pa.StringArray.from_buffers(len(encoded), pa.py_buffer(offsets.astype(np.int32)), data)


def spread(values: Sequence[object]) -> tuple[list[Any], NDArray[np.int64]]:
    """Return the distinct values other than None, and each value's index among them (-1: None).

    Examples:
        >>> distinct, at = spread(["b", None, "a", "b"])
        >>> distinct, at.tolist()
        (['b', 'a'], [0, -1, 1, 0])
    """
    distinct = [value for value in dict.fromkeys(values) if value is not None]
    where: dict[object, int] = dict(zip(distinct, range(len(distinct)), strict=True))
    where[None] = -1
    return distinct, np.fromiter(map(where.__getitem__, values), np.int64, len(values))


def take(pa: Any, array: Any, at: NDArray[np.integer[Any]]) -> Any:  # noqa: ANN401 - pyarrow
    """Return the array's values at these positions, null where a position is -1."""
    valid = at >= 0
    nulls = len(at) - int(np.count_nonzero(valid))
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    at = np.ascontiguousarray(at, np.int64)
    indices = pa.Array.from_buffers(pa.int64(), len(at), [bitmap, pa.py_buffer(at)], nulls)
    compute = import_module("pyarrow.compute")
    return compute.take(array, indices, memory_pool=pa.system_memory_pool())


def lists(pa: Any, counts: NDArray[Any], values: Any) -> Any:  # noqa: ANN401 - pyarrow
    """Return a list array: row i holds the next `counts[i]` of `values`."""
    offsets = np.zeros(len(counts) + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(numbers(pa, offsets), values)
