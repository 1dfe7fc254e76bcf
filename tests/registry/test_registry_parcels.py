"""Land parcels: filled from certificates that give old commune, map sheet and parcel."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.errors import LoadInputError
from registry.loader import load_batch
from registry.models import LandCertificate, LandParcel
from registry.samples import land_frame

BATCH = {"batch_id": "B-GCN-0001", "doc_type": "land_certificate"}
RUN = {"run_id": "run-1", "rules_version": "rules-1", "ocr_engine": "tesseract 5.3.0 vie"}
parcels = LandParcel.__table__
certificates = LandCertificate.__table__


def _load(engine, frame, **kw):
    return load_batch(engine, frame, batch=BATCH, **{**RUN, **kw})


def _certificate_parcels(engine):
    stmt = (
        select(
            certificates.c.certificate_serial,
            parcels.c.old_commune_code,
            parcels.c.old_commune_code_scheme,
            parcels.c.map_sheet_number,
            parcels.c.parcel_number,
            parcels.c.commune_code,
            parcels.c.commune_code_scheme,
        )
        .select_from(certificates.outerjoin(parcels))
        .order_by(certificates.c.certificate_serial)
    )
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt)]


def test_certificates_fill_parcels_linked_by_foreign_key_and_a_reload_is_a_no_op(engine, snapshot):
    # certificates 0 and 2 name the same parcel (sheet 12, parcel 1): one parcel row for both
    frame = land_frame(3, sheet_of=lambda i: 12 if i != 1 else 7)
    frame.loc[2, "parcel_number"] = "1"
    _load(engine, frame)

    linked = _certificate_parcels(engine)
    assert linked == [
        ("CN 700000", "24781", "pre2025", "12", "1", "24778", "2025"),
        ("CN 700001", "24781", "pre2025", "7", "2", "24778", "2025"),
        ("CN 700002", "24781", "pre2025", "12", "1", "24778", "2025"),
    ]
    with engine.connect() as conn:
        assert len(conn.execute(select(parcels)).all()) == 2

    before = snapshot(engine)
    summary = _load(engine, frame)
    assert summary.unchanged == 3 and summary.updated == 0
    assert snapshot(engine) == before

    # the foreign key does work: a certificate cannot point at a parcel that does not exist
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(certificates.update().values(parcel_id=999_999))


def test_no_parcel_without_the_old_commune_and_a_later_run_links_it(engine):
    _load(engine, land_frame(2, old_commune_code=None))
    assert [row[1] for row in _certificate_parcels(engine)] == [None, None]
    with engine.connect() as conn:
        assert conn.execute(select(parcels)).all() == []

    summary = _load(engine, land_frame(2), run_id="run-2")
    assert summary.updated == 2
    assert [row[1:5] for row in _certificate_parcels(engine)] == [
        ("24781", "pre2025", "12", "1"),
        ("24781", "pre2025", "12", "2"),
    ]


def test_a_parcel_keeps_its_commune_when_a_later_certificate_lacks_it(engine):
    _load(engine, land_frame(1))
    unread = land_frame(1, batch_id="B-GCN-0002", prefix="gcn-b")
    unread.loc[0, "parcel_commune_code"] = None
    load_batch(engine, unread, batch={**BATCH, "batch_id": "B-GCN-0002"}, **RUN)
    rows = _certificate_parcels(engine)
    assert len(rows) == 2 and rows[0][1:] == rows[1][1:]
    assert rows[1][5:] == ("24778", "2025")


def test_an_old_commune_code_of_the_wrong_shape_is_refused_before_loading(engine):
    frame = land_frame(1, old_commune_code="2478")
    with pytest.raises(LoadInputError, match="parcel_old_commune_code must be 5 digits"):
        _load(engine, frame)
