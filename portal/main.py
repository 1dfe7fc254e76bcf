"""The ASGI entry point for uvicorn (``sohoa serve``; ``uvicorn portal.main:app``)."""

from __future__ import annotations

import os

from portal.app import create_app

app = create_app(sweep_every_s=float(os.environ.get("SOHOA_PORTAL_SWEEP_S", "60")) or None)
