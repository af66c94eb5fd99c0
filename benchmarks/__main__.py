"""`python -m benchmarks COMMAND ...`: the benchmark commands.

generate, compare, dask (the Dask driver), main-job, outputs, scale, tune, html,
adversarial (the CLI on hostile inputs), adversarial-core (one hostile case,
find_duplicates).
"""

import sys

from benchmarks import (
    adversarial,
    adversarial_core,
    compare,
    dask_engine,
    generate,
    html_input,
    main_job,
    outputs,
    scale,
    tune,
)

COMMANDS = {
    "generate": generate.main,
    "compare": compare.main,
    "dask": dask_engine.main,
    "main-job": main_job.main,
    "outputs": outputs.main,
    "scale": scale.main,
    "tune": tune.main,
    "html": html_input.main,
    "adversarial": adversarial.main,
    "adversarial-core": adversarial_core.main,
}

if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
    sys.exit(f"usage: python -m benchmarks {{{'|'.join(COMMANDS)}}} [options]")
sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
