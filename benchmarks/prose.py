"""Prose: paragraphs drawn in numpy batches as printed words, and drafts to edit them.

A text exists in two forms. A `Line` holds one code per printed word, `form * V + token` for a
`Form` and a token id of a vocabulary of V tokens: fresh texts are drawn as lines for a whole
batch at once and printed with one numpy gather, the hot path of a 10M-item run. A `Draft`
holds sentences of token ids, commas as tokens of their own: the structure that edits need.
`decode` turns a line into a draft and `render` prints a draft, for the few texts edited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from benchmarks.vocab import Form, Kind, Vocabulary

if TYPE_CHECKING:
    import random
    from collections.abc import Iterator

Line = tuple[int, ...]
"""One code per printed word: `form * len(vocab.tokens) + token`."""
Sentence = tuple[int, ...]
"""Token ids of one sentence, commas included, without the final full stop."""
Draft = tuple[Sentence, ...]
"""The sentences of one paragraph, lede or teaser."""

# Sentence breaks fall at equal shares of the tokens, each moved by up to a quarter of the mean
# sentence: sentences of a paragraph are similar in length and never shorter than half the mean.
_MEAN_SENTENCE = 8
_JITTER = 0.25
_WIDEST = 4  # words in the widest token ("Jan van der Berg")
_COMMA_RATE = 0.4  # of sentences of 10 or more tokens
_COMMA_MIN = 10
_BATCH = 1024


def lines(
    vocab: Vocabulary,
    rng: np.random.Generator,
    *,
    words: tuple[int, int],
    sentences: tuple[int, int],
) -> Iterator[tuple[Line, str]]:
    """Yield fresh texts forever, as (line, text), of `words` words and `sentences` sentences.

    Everything random is drawn for a batch at once. A person or place of two to four words
    counts as that many words, and a text ends with the token that reaches its word target;
    sentences get near-equal shares of the tokens, at least 8 on average.
    """
    while True:
        yield from _batch(vocab, rng, words, sentences)


def _batch(
    vocab: Vocabulary, rng: np.random.Generator, words: tuple[int, int], sentences: tuple[int, int]
) -> Iterator[tuple[Line, str]]:
    """Draw and print one batch of texts (see `lines`)."""
    (low, high), (few, most) = words, sentences
    ids = vocab.sample(rng, _BATCH * high).reshape(_BATCH, high)
    before = np.cumsum(vocab.width_array[ids], axis=1) - vocab.width_array[ids]
    counts = (before < rng.integers(low, high - _WIDEST + 2, size=_BATCH)[:, None]).sum(axis=1)
    parts = np.minimum(rng.integers(few, most + 1, size=_BATCH), counts // _MEAN_SENTENCE)
    shares = np.arange(1, most) + rng.uniform(-_JITTER, _JITTER, (_BATCH, most - 1))
    ends = np.rint(shares * (counts / parts)[:, None]).astype(np.int64)
    ends[np.arange(1, most) >= parts[:, None]] = high  # unused: past the end
    bounds = np.hstack([np.zeros((_BATCH, 1), np.int64), ends, counts[:, None]])
    bounds[:, 1:] = np.minimum(bounds[:, 1:], counts[:, None])
    codes = ids + np.int32(len(vocab.tokens)) * _forms(
        bounds, rng.random((_BATCH, most)), ids.shape
    )
    used = codes[np.arange(high) < counts[:, None]]  # row by row, in order
    row_ends = np.cumsum(counts).tolist()
    flat = used.tolist()
    texts = _print(vocab, used, row_ends)
    for start, stop, text in zip([0, *row_ends[:-1]], row_ends, texts, strict=True):
        yield tuple(flat[start:stop]), text


def _print(vocab: Vocabulary, codes: npt.NDArray[np.int32], row_ends: list[int]) -> list[str]:
    """Print a batch of texts, given end to end, with one gather of all their bytes.

    A `str.join` per text, looking words up in a table of 300,000 strings, misses the cache
    on nearly every word; this is about twice as fast.
    """
    lengths = vocab.lengths[codes]
    ends = np.cumsum(lengths)
    gather = np.repeat(vocab.starts[codes] - (ends - lengths), lengths)
    gather += np.arange(len(gather), dtype=gather.dtype)
    blob = vocab.glyphs[gather].tobytes()
    byte_ends = ends[np.asarray(row_ends) - 1].tolist()
    return [blob[a : b - 1].decode() for a, b in zip([0, *byte_ends[:-1]], byte_ends, strict=True)]


def _forms(
    bounds: npt.NDArray[np.int64], commas: npt.NDArray[np.float64], shape: tuple[int, ...]
) -> npt.NDArray[np.int32]:
    """Mark each sentence's first word capital and last word stop, and some commas.

    A comma goes after word `2 + at * (length - 5)` of a sentence of 10 or more words, when
    its `at` (uniform) is below the comma rate: never on the first or last word.
    """
    forms = np.zeros(shape, dtype=np.int32)
    starts, stops = bounds[:, :-1], bounds[:, 1:]
    lengths = stops - starts
    rows = np.broadcast_to(np.arange(shape[0])[:, None], starts.shape)
    real = lengths > 0
    forms[rows[real], starts[real]] = Form.CAPITAL
    forms[rows[real], stops[real] - 1] = Form.STOP
    comma = (lengths >= _COMMA_MIN) & (commas < _COMMA_RATE)
    at = commas[comma] / _COMMA_RATE
    forms[rows[comma], starts[comma] + 2 + (at * (lengths[comma] - 5)).astype(np.int64)] = (
        Form.COMMA
    )
    return forms


def decode(vocab: Vocabulary, line: Line) -> Draft:
    """Turn a line into sentences of token ids, commas as tokens, for editing."""
    size = len(vocab.tokens)
    tokens = [code % size for code in line]
    # The mark of each word (capital or not): COMMA, CAPITAL_COMMA -> 1, STOP, CAPITAL_STOP -> 2.
    # As bytes, `find` walks them in C: the Python loop runs per sentence, not per word.
    marks = bytes([code // size % 3 for code in line])
    sentences: list[Sentence] = []
    start = 0
    while start < len(tokens):
        stop = marks.find(Form.STOP, start) + 1 or len(tokens)
        words = tokens[start:stop]
        comma = marks.rfind(Form.COMMA, start, stop)
        while comma >= 0:  # from the end: earlier positions keep their index
            words.insert(comma - start + 1, vocab.comma)
            comma = marks.rfind(Form.COMMA, start, comma)
        sentences.append(tuple(words))
        start = stop
    return tuple(sentences)


def render(vocab: Vocabulary, draft: Draft) -> str:
    """Print sentences as text: capitalised, commas attached, each ending in a full stop.

    The same text as the batch printing of the line that `decode` made the draft from. A
    comma that an edit left at the start or the end of a sentence is dropped.
    """
    return " ".join([_sentence(vocab.tokens, words) + "." for words in draft if words])


def _sentence(tokens: tuple[str, ...], words: Sentence) -> str:
    text = " ".join(map(tokens.__getitem__, words)).replace(" ,", ",")
    if text.startswith(","):
        text = text[1:].lstrip()
    return _capital(text.removesuffix(","))


def render_heading(vocab: Vocabulary, words: Sentence) -> str:
    """Print a title or subheading: capitalised, no final punctuation."""
    return _sentence(vocab.tokens, words)


def word_count(vocab: Vocabulary, words: Sentence) -> int:
    """Count the words of a sentence as printed."""
    return sum(vocab.widths[t] for t in words)


def sentence(vocab: Vocabulary, rnd: random.Random, length: int) -> Sentence:
    """Draw one sentence of `length` tokens, one at a time (for the rare added sentence)."""
    kinds = rnd.choices(
        (Kind.WORD, Kind.PERSON, Kind.PLACE, Kind.NUMBER), weights=(90, 3, 3, 4), k=length
    )
    words = [vocab.draw(kind, rnd) for kind in kinds]
    if length >= _COMMA_MIN and rnd.random() < _COMMA_RATE:
        words.insert(rnd.randint(3, length - 2), vocab.comma)  # never after the first or last
    return tuple(words)


def heading(vocab: Vocabulary, rnd: random.Random, length: int) -> Sentence:
    """Draw a title's words: content words, some names, places and numbers."""
    kinds = rnd.choices((Kind.WORD, Kind.PERSON, Kind.PLACE, Kind.NUMBER), (85, 6, 6, 3), k=length)
    return tuple(vocab.draw(kind, rnd, content=kind is Kind.WORD) for kind in kinds)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
