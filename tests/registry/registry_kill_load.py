"""Helper process for the kill test: loads a big household batch and waits to be killed.

    python registry_kill_load.py URL N_RECORDS MARKER

Writes MARKER once the nested rows have been handed to the database (inside the open
transaction), then sleeps instead of committing, so the test can SIGKILL it mid-transaction.
"""

import sys
import time
from pathlib import Path

import registry.loader as loader
from registry.db import get_engine
from registry.samples import household_frame

url, n, marker = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
real = loader.write_nested


def write_then_wait(conn, rows, run_id, now):
    count = real(conn, rows, run_id, now)
    marker.write_text(str(count))
    time.sleep(600)  # killed here, before the commit
    return count


loader.write_nested = write_then_wait
engine = get_engine(url)
loader.load_batch(
    engine,
    household_frame(n, 10, batch_id="B-KILL"),
    batch={"batch_id": "B-KILL", "doc_type": "household_registration"},
    run_id="run-kill",
    rules_version="r",
    ocr_engine="t",
)
