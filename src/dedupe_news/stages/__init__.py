"""Stages: pure functions over a batch, one module per stage, in flow order.

segment -> normalize -> tokenize -> exact -> signature -> lsh -> verify -> cluster ->
article -> label. Each takes the hand-off record of the stage before it (and the Config) and
returns its own; none reads a file, keeps state between calls, or imports `sources` or
`report`. `pipeline` runs them in order; the index and the Dask driver call the same ones.
"""
