"""The ``sohoa`` command line. Errors are mapped to exit codes here and only here."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Annotated

import typer

from sohoa.errors import SohoaError
from sohoa.settings import get_settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="sohoa: số hóa hồ sơ giấy / digitise paper records into the national format.",
)
db_app = typer.Typer(no_args_is_help=True, help="Cơ sở dữ liệu / the national-format database")
app.add_typer(db_app, name="db")

log = logging.getLogger("sohoa")


def _probe_tesseract() -> str:
    from ocr.tesseract import probe

    return probe(get_settings().tesseract_lang)


def _say(message: str) -> None:
    typer.echo(message, err=True)


class _Progress:
    """A tqdm bar on stderr when it is a terminal (pages done, pages/min, time left), silent
    otherwise; ``finish`` prints a one-line summary at the end, on a terminal only."""

    def __init__(self, files: int, what: str = "trang/pages") -> None:
        from tqdm import tqdm

        self.started = time.monotonic()
        self.pages = 0
        self.files = files
        self.bar = tqdm(
            total=files,
            unit="file",
            desc=what,
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            bar_format=(
                "{desc}: {n_fmt}/{total_fmt} files |{bar}| {postfix} [{elapsed}<{remaining}]"
            ),
            dynamic_ncols=True,
        )

    def __call__(self, pages: int) -> None:
        self.pages += pages
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        self.bar.set_postfix_str(f"{self.pages} pages, {self.pages / minutes:.1f} pages/min")
        self.bar.update(1)

    def finish(self, failed: int) -> None:
        """Close the bar and, on a terminal, print the one-line summary (quiet otherwise: the
        per-page problems are already on stderr and scripts read stdout)."""
        line = self.summary(failed)
        if sys.stderr.isatty():
            _say(line)

    def summary(self, failed: int) -> str:
        self.bar.close()
        seconds = time.monotonic() - self.started
        rate = 60 * self.pages / seconds if seconds else 0.0
        return (
            f"{self.files} tệp, {self.pages} trang, {failed} trang lỗi, {seconds:.0f} giây "
            f"({rate:.1f} trang/phút) / {self.files} files, {self.pages} pages, "
            f"{failed} failed, {seconds:.0f} s ({rate:.1f} pages/min)"
        )


@app.command()
def ocr(files: Annotated[list[Path], typer.Argument(help="Scans (images or PDF)")]) -> None:
    """Văn bản trang sau làm sạch / cleaned-up page text to stdout (PDF: every page)."""
    from ocr.pipeline import ocr_text

    _probe_tesseract()
    failed = 0
    progress = _Progress(len(files))
    for path in files:
        try:
            pages = ocr_text(str(path))
        except SohoaError as e:
            failed += 1
            progress.bar.write(f"{path}: {e.for_people()}", file=sys.stderr)
            progress(1)
            continue
        sys.stdout.write("\f".join(pages))
        sys.stdout.write("\n")
        sys.stdout.flush()
        progress(len(pages))
    progress.finish(failed)
    if failed:
        raise typer.Exit(4)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Scans or folders of scans")],
    out: Annotated[Path | None, typer.Option("--out", help="JSON Lines file")] = None,
    declared_type: Annotated[
        str | None, typer.Option("--type", help="Loại hồ sơ khai báo / declared type (a hint)")
    ] = None,
) -> None:
    """Bản ghi định dạng quốc gia / one JSON record per page, national format."""
    from sohoa.batch import extract_files, iter_scan_files, prepare_records

    _probe_tesseract()
    files = iter_scan_files(paths)
    if not files:
        raise SohoaError("Không có tệp nào để đọc", "No files to read")
    progress = _Progress(len(files))
    prepared = prepare_records(extract_files(files, declared_type, progress=progress))
    lines = [*prepared.records(), *prepared.unreadable]
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for rec in lines:
            sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if out:
            sink.close()
    for rec in prepared.unreadable:
        _say(f"{rec['source_file']} (trang/page {rec['page']}): {rec['flags'][0]['message']}")
    for doc_type, reason in prepared.held.items():
        _say(f"{doc_type}: {reason}")
    progress.finish(len(prepared.unreadable))
    if prepared.unreadable:
        raise typer.Exit(4)


@app.command(name="eval")
def eval_(
    directory: Annotated[Path, typer.Argument(help="Folder of scans with ground-truth JSON")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Độ chính xác so với dữ liệu chuẩn / accuracy against ground truth."""
    from sohoa.evaluate import evaluate, format_table, truth_files

    _probe_tesseract()
    if not directory.is_dir():
        raise SohoaError(
            f"Không tìm thấy thư mục {directory}", f"Folder {directory} does not exist"
        )
    progress = _Progress(len(truth_files(directory)))
    result = evaluate(directory, progress=progress)
    progress.finish(result["overall"]["unread_pages"])
    text = json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_table(result)
    typer.echo(text)


@app.command()
def demo(
    pages: Annotated[int, typer.Option(help="Birth registration pages to generate")] = 6,
    seed: Annotated[int, typer.Option(help="Generator seed")] = 2026,
) -> None:
    """Chạy thử toàn bộ / run the whole DAG on a generated sample batch (embedded default)."""
    from sohoa.demo import run_demo

    _probe_tesseract()
    typer.echo(run_demo(pages=pages, seed=seed))


@app.command(name="export")
def export_(
    doc_type: Annotated[str, typer.Argument(help="Loại hồ sơ / record type")],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="A file for jsonl; a folder for csv/parquet (one file per table)"
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="csv | parquet | jsonl")] = "csv",
    commune: Annotated[str | None, typer.Option(help="5-digit commune code, scheme 2025")] = None,
    batch: Annotated[str | None, typer.Option(help="Batch id")] = None,
) -> None:
    """Xuất hồ sơ định dạng quốc gia / export national-format records of a commune or batch."""
    from registry.db import get_engine
    from registry.export import export_records

    engine = get_engine(get_settings().database_url)
    try:
        n = export_records(engine, doc_type, commune_code=commune, batch_id=batch, fmt=fmt, out=out)
    finally:
        engine.dispose()
    typer.echo(f"{n} bản ghi / records → {out}")


@app.command()
def reconcile(
    paper: Annotated[Path, typer.Option("--paper", help="Paper household members (CSV)")],
    national: Annotated[Path, typer.Option("--national", help="National snapshot (CSV)")],
    out: Annotated[Path | None, typer.Option("--out", help="Result CSV (default: stdout)")] = None,
) -> None:
    """Đối chiếu sổ hộ khẩu với CSDL quốc gia / reconcile paper households with the national
    residence database (one row per paper entry)."""
    from registry.reconcile.csvio import reconcile_csv

    summary = reconcile_csv(paper, national, out)
    if out is not None:
        typer.echo(f"{summary} → {out}", err=True)


user_app = typer.Typer(no_args_is_help=True, help="Tài khoản cổng / portal accounts")
app.add_typer(user_app, name="user")


# Idle keep-alive connections are kept longer than a reverse proxy or browser keeps them, so it
# is always the client that closes: a server closing first races the client's next request on
# that connection ("server disconnected without sending a response").
PORTAL_KEEP_ALIVE_S = 75


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
    sweep_every: Annotated[float, typer.Option(help="Upload-queue sweep, seconds (0: off)")] = 60,
) -> None:
    """Cổng web / run the portal (FastAPI on uvicorn)."""
    import uvicorn

    from registry.db import upgrade

    upgrade(get_settings().database_url)  # once, before the workers start
    os.environ["SOHOA_PORTAL_SWEEP_S"] = str(sweep_every)
    uvicorn.run(
        "portal.main:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        timeout_keep_alive=PORTAL_KEEP_ALIVE_S,
    )


@app.command()
def sweep() -> None:
    """Gửi các lô đang chờ / dispatch uploaded batches waiting in the queue (cron-able)."""
    from portal.dispatch import sweep as run_sweep
    from registry.db import get_engine, upgrade

    url = get_settings().database_url
    upgrade(url)
    engine = get_engine(url)
    try:
        typer.echo(json.dumps(run_sweep(engine, url)))
    finally:
        engine.dispose()


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="clerk | reviewer | data_admin")],
    commune: Annotated[list[str], typer.Option(help="5-digit commune code (repeatable)")],
    full_name: Annotated[str | None, typer.Option(help="Full name")] = None,
) -> None:
    """Thêm tài khoản / add a portal user (the password is asked, or SOHOA_NEW_PASSWORD)."""
    from portal.accounts import add_user
    from registry.db import get_engine, upgrade

    password = os.environ.get("SOHOA_NEW_PASSWORD") or typer.prompt(
        "Mật khẩu / password", hide_input=True, confirmation_prompt=True
    )
    url = get_settings().database_url
    upgrade(url)
    engine = get_engine(url)
    try:
        add_user(engine, username, password, role, commune, full_name)
    finally:
        engine.dispose()
    typer.echo(f"{username} ({role}): {', '.join(commune)}")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Áp dụng migration / apply migrations to the database in SOHOA_DATABASE_URL."""
    from registry.db import upgrade
    from registry.reference import upgrade_and_seed

    if revision == "head":
        upgrade_and_seed(get_settings().database_url)  # and the reference data
    else:
        upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}: {get_settings().database_url}")


def main(argv: list[str] | None = None) -> int:
    # per-page problems reach people in the output itself; logs are for developers
    level = logging.INFO if os.environ.get("SOHOA_VERBOSE") else logging.ERROR
    logging.basicConfig(
        level=level,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,  # libraries imported earlier may have configured the root logger
    )
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)  # some libraries set their own loggers' levels (GX: INFO)
    started = time.monotonic()
    try:
        exit_code = app(args=argv, standalone_mode=False)
    except SohoaError as e:
        _say(e.for_people())
        return e.exit_code
    except typer.Exit as e:
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("Đã dừng / stopped")
        return 130
    except Exception as e:  # the last net: one sentence for people, details for developers
        if os.environ.get("SOHOA_DEBUG"):
            traceback.print_exc()
        _say(
            f"Lỗi không mong đợi: {e.__class__.__name__}: {e} / Unexpected error "
            "(set SOHOA_DEBUG=1 for details)"
        )
        return 1
    finally:
        log.debug("finished in %.1f s", time.monotonic() - started)
    # click returns the code of ``typer.Exit`` when not in standalone mode
    return exit_code if isinstance(exit_code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
