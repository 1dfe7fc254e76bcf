"""``gc_paused()``: the cyclic garbage collector held off while one batch is normalised or
validated.

A batch builds hundreds of thousands of row dicts, lists and tuples that hold no reference cycles,
so the collector can free none of them; yet every few hundred allocations start a pass, and now
and then a full pass walks every object in the process. Reference counting still frees what the
batch drops. The collector runs again, on whatever it missed, as soon as the batch is done.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic collector (usable as a decorator); leaves it off if it was off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
