"""Entry point: `python -m dedupe_news`."""

import sys

try:
    from dedupe_news.cli import main
except KeyboardInterrupt:  # Ctrl-C while the CLI loads: as in main() (exit 130), no traceback
    print("interrupted", file=sys.stderr)  # noqa: T201 - the CLI speaks on stderr
    sys.exit(130)

sys.exit(main())
