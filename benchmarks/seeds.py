"""Seeds: the independent random sources of one corpus, derived from the user's seed."""

from __future__ import annotations

import random

import numpy as np


def random_sources(seed: int, corpus: int) -> tuple[np.random.Generator, random.Random]:
    """Return a numpy generator (for batches) and a `random.Random` (for single choices).

    Both derive from `(seed, corpus)` through `numpy.random.SeedSequence`, so the paragraph
    and the page corpus of one seed share no text, and neither touches global state.
    """
    numpy_seed, python_seed = np.random.SeedSequence([seed, corpus]).spawn(2)
    words = python_seed.generate_state(2, dtype=np.uint64).tolist()
    return np.random.default_rng(numpy_seed), random.Random(words[0] << 64 | words[1])
