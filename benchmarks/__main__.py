"""`python -m benchmarks generate|compare|scale ...`."""

import sys

from benchmarks import adversarial, compare, generate, scale, tune

COMMANDS = {
    "adversarial": adversarial.main,
    "generate": generate.main,
    "compare": compare.main,
    "scale": scale.main,
    "tune": tune.main,
}

if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
    sys.exit(f"usage: python -m benchmarks {{{'|'.join(COMMANDS)}}} [options]")
sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
