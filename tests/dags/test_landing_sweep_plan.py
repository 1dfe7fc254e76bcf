"""What ``landing_sweep`` triggers: one ``scan_batch`` run per folder whose copy finished
(``READY`` written last), with a run id of the batch so a second sweep starts nothing new."""

from __future__ import annotations


def test_only_ready_folders_are_triggered_under_a_stable_run_id(tmp_path):
    from sohoa.pipeline_tasks import landed_batches

    for name in ("hx-0001", "hx-0002", "copying"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p1.jpg").write_bytes(b"scan")
    (tmp_path / "hx-0001" / "READY").touch()
    (tmp_path / "hx-0002" / "READY").touch()

    first = landed_batches(str(tmp_path))
    assert [b["trigger_run_id"] for b in first] == ["landing__hx-0001", "landing__hx-0002"]
    assert first[0]["conf"] == {"batch_dir": str(tmp_path / "hx-0001"), "batch_id": "hx-0001"}
    assert landed_batches(str(tmp_path)) == first
    assert landed_batches(str(tmp_path / "missing")) == []
