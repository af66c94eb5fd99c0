"""Entry point: `python -m dedupe_news`."""

import sys

from dedupe_news.cli import main

sys.exit(main())
