"""OCR stage: ingest scans, clean them up, run Tesseract, classify the page and extract fields.

Public entry points live in :mod:`ocr.pipeline` (``extract_file``, ``ocr_text``) and
:mod:`ocr.ingest` (``load_pages``, ``iter_pages``, ``sha256_file``). Only :mod:`ocr.tesseract`
touches the Tesseract binary.
"""
