"""normalise(printed) against the generator's truth, on the committed or preview pages."""

from pathlib import Path

import pytest

from transforms.truth_check import check_pages

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_printed_reproduces_truth():
    paths = sorted((REPO / "sample_scans" / "corpus").rglob("*.json"))
    if not paths:
        pytest.skip("no generated pages with truth")
    results = check_pages(paths)
    for doc_type, c in results.items():
        assert c.agreement >= 0.99, (doc_type, c.disagreements[:10])
