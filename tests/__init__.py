"""Tests of dedupe_news: one module per source module, plus golden, quality and fuzz suites."""
