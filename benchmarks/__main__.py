"""`python -m benchmarks COMMAND [options]`: the commands are listed in COMMANDS below."""

import sys

from benchmarks import (
    adversarial,
    adversarial_core,
    compare,
    dask_engine,
    generate,
    html_input,
    index,
    main_job,
    outputs,
    scale,
    screenshot,
    tune,
)

COMMANDS = {
    "generate": generate.main,
    "compare": compare.main,
    "main-job": main_job.main,
    "outputs": outputs.main,
    "scale": scale.main,
    "tune": tune.main,
    "html": html_input.main,
    "adversarial": adversarial.main,  # the CLI on hostile inputs, each in its own process
    "adversarial-core": adversarial_core.main,  # one hostile case through find_duplicates
    "screenshot": screenshot.main,
    "index": index.main,  # adding a crawl to an index of growing history
    "dask": dask_engine.main,  # embedded vs the Dask driver on local workers
}

if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
    sys.exit(f"usage: python -m benchmarks {{{'|'.join(COMMANDS)}}} [options]")
sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
