"""Settings read from the environment, with the embedded defaults under one project data folder.

Nothing reads the environment at import time: call ``get_settings()`` (cached) and, in tests,
``get_settings.cache_clear()`` after changing variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    airflow_home: Path
    tesseract_timeout_s: float
    tesseract_lang: str
    review_confidence_threshold: float
    batch_hold_failure_share: float
    audit_sample_share: float
    # How much more frequent a lexicon name syllable must be than the form read before
    # transforms.names repairs the word (NGUYÊN → NGUYỄN).
    name_repair_min_ratio: float = 20.0
    # A parent's birth year must be at least this many years before the child's (expectations).
    min_parent_age_years: int = 12
    # The province whose records are digitised (2025 code): a registering authority written
    # without a province ("UBND XÃ HIỆP THẠNH") is looked up there.
    home_province_code: str = "68"

    @property
    def data_docs_dir(self) -> Path:
        return self.data_dir / "data_docs"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    data_dir = Path(env.get("SOHOA_DATA_DIR", _project_root() / "var")).resolve()
    return Settings(
        data_dir=data_dir,
        database_url=env.get("SOHOA_DATABASE_URL", f"sqlite:///{data_dir / 'sohoa.db'}"),
        airflow_home=Path(env.get("AIRFLOW_HOME", data_dir / "airflow")).resolve(),
        tesseract_timeout_s=float(env.get("SOHOA_TESSERACT_TIMEOUT", "60")),
        tesseract_lang=env.get("SOHOA_TESSERACT_LANG", "vie"),
        review_confidence_threshold=float(env.get("SOHOA_REVIEW_THRESHOLD", "0.80")),
        batch_hold_failure_share=float(env.get("SOHOA_BATCH_HOLD_SHARE", "0.5")),
        audit_sample_share=float(env.get("SOHOA_AUDIT_SHARE", "0.02")),
        name_repair_min_ratio=float(env.get("SOHOA_NAME_REPAIR_RATIO", "20")),
        min_parent_age_years=int(env.get("SOHOA_MIN_PARENT_AGE", "12")),
        home_province_code=env.get("SOHOA_HOME_PROVINCE", "68"),
    )
