"""Benchmarks for dedupe_news: a seeded synthetic news crawl with ground truth, and its runners."""
