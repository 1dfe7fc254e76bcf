"""The change report of a re-run (after a rules or OCR change): pure function, no database."""

from __future__ import annotations


def test_change_report_names_what_a_rerun_changed():
    """Unlocked: the value changed. Locked: the reviewer's value stays, so the change is in
    what the machine read. New fields of new records are not changes."""
    from sohoa.pipeline_tasks import changed_values

    before = {
        ("r1", "child_full_name"): ("NGUYỄN VĂN A", "NGUYỄN VĂN A", False),
        ("r1", "sex"): ("1", "1", False),
        ("r2", "child_full_name"): ("TRẦN THỊ B", "TRẦN THI B", True),
    }
    after = {
        ("r1", "child_full_name"): ("NGUYỄN VĂN AN", "NGUYỄN VĂN AN", False),
        ("r1", "sex"): ("1", "1", False),
        ("r2", "child_full_name"): ("TRẦN THỊ B", "TRẦN THỊ B", True),
        ("r3", "child_full_name"): ("LÊ C", "LÊ C", False),
    }
    assert changed_values(before, after) == [
        {
            "record_id": "r1",
            "field": "child_full_name",
            "before": "NGUYỄN VĂN A",
            "after": "NGUYỄN VĂN AN",
            "locked": False,
        },
        {
            "record_id": "r2",
            "field": "child_full_name",
            "before": "TRẦN THI B",
            "after": "TRẦN THỊ B",
            "locked": True,
        },
    ]
