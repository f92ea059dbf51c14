"""Import a file: read, validate every row, then write all of it in one transaction or nothing."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from microdrama.accounts.models import User
from microdrama.accounts.service import audit
from microdrama.catalog.models import Company, ImportRecord, Work, WorkCompany
from microdrama.catalog.service import refresh_work_stats
from microdrama.config import Settings
from microdrama.db.base import utcnow
from microdrama.db.locks import hold_lock
from microdrama.db.upsert import chunked
from microdrama.errors import LimitExceeded, OwnershipError, ReadError, Unavailable
from microdrama.ingest import readers, validate, values
from microdrama.ingest.columns import SPECS, ImportKind, canonical_name, header_unit
from microdrama.ingest.schemas import ImportReport, RowError
from microdrama.ingest.staging import remove_abandoned, staging_folder
from microdrama.ingest.writers import WRITERS, WriteContext, check_works
from microdrama.lake import metrics as lake
from microdrama.sandbox import preload, run_limited

# The fork server that reads import files has this module, and so its readers, loaded.
preload(__name__)

# Labels of summary rows that exports append under the data; they are skipped, with a warning.
TOTAL_LABELS = ("合计", "总计", "小计", "汇总", "总和", "Total", "TOTAL", "total", "Sum", "SUM")
# Rows validated at a time: bounds memory whatever the file's size.
CHUNK_ROWS = 250_000
# A report lists this many row errors at most; the count of invalid rows is always exact.
MAX_LISTED_ERRORS = 100_000

Phase = Callable[[str], None]
logger = logging.getLogger(__name__)
# Session.info key: the lake versions to undo if this session rolls back.
PENDING_UNDO = "microdrama.lake_undo"
# The lock that metrics imports hold from their lake write to their SQL commit.
LAKE_WRITERS = "microdrama.lake.metrics"


def import_file(
    session: Session,
    *,
    settings: Settings,
    kind: ImportKind,
    path: Path,
    dry_run: bool = False,
    user: str = "cli",
    actor: User | None = None,
    owner: Company | None = None,
    simulated: bool = False,
    on_phase: Phase | None = None,
) -> ImportReport:
    """Validate `path` as a `kind` file and, when every row is valid and not dry, write it.

    `user` names who imports in the import ledger; a signed-in `actor` (the web's) is named
    there instead and the import is written to the audit log too. With `owner` (a producer's
    company) only a works file is taken, and every work it names must be new or the owner's:
    checked on the ids as they will be written, after every normalisation.
    """
    if owner is not None and kind != "works":
        raise OwnershipError("a producer imports works files only")
    user = actor.username if actor is not None else user
    phase = on_phase or (lambda _: None)
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    dates = validate.DateRange(settings.earliest_date, settings.resolved_latest_date)
    with staging_folder(settings.work_dir) as workdir:
        phase("reading")
        report = ImportReport(file=str(path), kind=kind, sha256=_sha256(path), dry_run=dry_run)
        known = _known_work_ids(session) if kind != "works" else None
        staged = workdir / "staged"
        try:
            # A file nobody here wrote is read in a child process with a memory and a time
            # limit: a pathological one fails this import, never the server.
            report, mapping = run_limited(
                read_and_validate,
                path,
                staged=staged,
                kind=kind,
                known=known,
                dates=dates,
                report=report,
                memory_bytes=settings.import_memory_mb << 20,
                seconds=settings.import_seconds,
            )
        except LimitExceeded as exc:
            raise LimitExceeded(f"{path.name}: {exc}; nothing was imported") from exc
        phase("validating")
        if report.errors:
            return _reject(session, report, user=user, simulated=simulated)
        if kind == "works" and not report.errors:
            report.errors.extend(check_works(session, pl.read_parquet(staged)))
            report.invalid_rows = len({e.row for e in report.errors})
        if owner is not None and not report.errors:
            check_ownership(session, staged=staged, owner=owner)
        if report.errors:
            return _reject(session, report, user=user, simulated=simulated)
        if dry_run:
            return report
        phase("writing")
        record = _record(report, user=user, simulated=simulated, status="running")
        session.add(record)
        try:
            session.flush()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            # SQLite admits one writer: another import (or a build) is writing right now.
            raise Unavailable(
                f"{path.name}: the database is busy with another write; nothing was imported, "
                "import the file again in a moment"
            ) from exc
        context = WriteContext(
            session=session,
            lake_root=settings.resolved_lake_uri,
            import_id=record.id,
            present=set(mapping.values()),
        )
        if kind == "metrics":
            # One metrics import at a time writes the lake: an uncommitted version seen under
            # the lock is then a dead process's, never a running import's.
            hold_lock(session, name=LAKE_WRITERS)
            undo_orphan_versions(session, lake_root=settings.resolved_lake_uri)
        WRITERS[kind](context, staged)
        if context.lake_version is not None:
            _undo_on_rollback(session, lake_root=context.lake_root, version=context.lake_version)
        if kind == "metrics":
            # The totals of the version this import wrote, which it is about to acknowledge.
            written = lake.Snapshot(lake.metrics_uri(context.lake_root), context.lake_version)
            refresh_work_stats(session, snapshot=written)
        report.inserted, report.updated = context.inserted, context.updated
        report.lake_version, report.import_id = context.lake_version, record.id
        report.created = {k: v for k, v in context.created.items() if v}
        report.committed = True
        record.status, record.rows_inserted, record.rows_updated = (
            "committed",
            report.inserted,
            report.updated,
        )
        record.lake_version, record.created, record.finished_at = (
            report.lake_version,
            report.created,
            utcnow(),
        )
        session.flush()
        if actor is not None:
            audit(
                session,
                actor=actor.username,
                user_id=actor.id,
                action=f"import.{kind}",
                target=path.name,
                detail={
                    "import_id": report.import_id,
                    "inserted": report.inserted,
                    "updated": report.updated,
                },
            )
        return report


def check_ownership(session: Session, *, staged: Path, owner: Company) -> None:
    """Refuse a works file naming a stored work that `owner` did not produce (or nobody did).

    The ids are read from the staged rows, as validation normalised them and as they will be
    written: `W000037 ` and `W000037` are one work here, as they are in the catalogue.
    """
    ids = pl.read_parquet(staged, columns=["work_id"])["work_id"].drop_nulls().unique().to_list()
    produced = (
        select(WorkCompany.work_id)
        .where(WorkCompany.company_id == owner.id, WorkCompany.role == "producer")
        .scalar_subquery()
    )
    others: list[str] = []
    for chunk in chunked(ids, 10_000):
        others.extend(
            session.scalars(
                select(Work.external_id).where(
                    Work.external_id.in_(chunk), Work.id.not_in(produced)
                )
            )
        )
    if others:
        shown = ", ".join(sorted(others)[:10]) + (" …" if len(others) > 10 else "")
        raise OwnershipError(
            f"{len(others)} work id(s) in this file name another company's work or a work "
            f"with no producer: {shown}; nothing was imported"
        )


@dataclass(frozen=True)
class Recovery:
    """What a killed import had left, and was cleaned up."""

    undone_versions: list[int]
    removed_folders: list[Path]


def recover(session: Session, *, settings: Settings) -> Recovery:
    """Undo the lake versions of imports that never committed and remove abandoned staging
    folders: what a process killed in the middle of an import leaves. Safe while other
    imports run: it takes the lake writers' lock, and leaves folders that are still held."""
    undone: list[int] = []
    # A first look reads only, so a start-up with nothing to recover takes no lock; what it
    # sees may be an import still running, which the look under the lock tells apart.
    if lake.orphan_versions(
        lake.metrics_uri(settings.resolved_lake_uri), committed=_committed_ids(session)
    ):
        hold_lock(session, name=LAKE_WRITERS)
        undone = undo_orphan_versions(session, lake_root=settings.resolved_lake_uri)
    return Recovery(undone_versions=undone, removed_folders=remove_abandoned(settings.work_dir))


def undo_orphan_versions(session: Session, *, lake_root: str) -> list[int]:
    """Undo lake versions whose import never reached the catalogue (a process that died
    between the Delta commit and the SQL commit); returns the versions undone."""
    uri = lake.metrics_uri(lake_root)
    orphans = lake.orphan_versions(uri, committed=_committed_ids(session))
    if orphans:
        lake.undo(uri, version=orphans[0], newest=orphans[-1])
    return orphans


def _committed_ids(session: Session) -> set[int]:
    return set(session.scalars(select(ImportRecord.id).where(ImportRecord.status == "committed")))


def _undo_on_rollback(session: Session, *, lake_root: str, version: int) -> None:
    """When the caller's SQL commit fails (or it rolls back), undo this import's lake version.

    The Delta commit comes first and the SQL commit second (lake.metrics explains why); this
    makes the pair all or nothing for the readers. A commit of the session forgets the undo.
    """
    pending: list[tuple[str, int]] = session.info.setdefault(PENDING_UNDO, [])
    pending.append((lake.metrics_uri(lake_root), version))
    if not event.contains(session, "after_rollback", _undo_pending):
        event.listen(session, "after_rollback", _undo_pending)
        event.listen(session, "after_commit", _forget_pending)


def _undo_pending(session: Session) -> None:
    pending: list[tuple[str, int]] = session.info.get(PENDING_UNDO, [])
    while pending:
        uri, version = pending.pop()
        try:
            lake.undo(uri, version=version)
        except lake.UndoRefused as exc:  # a later import landed on top: a person must decide
            logger.error("the rolled-back import's lake version stays: %s", exc)


def _forget_pending(session: Session) -> None:
    session.info.get(PENDING_UNDO, []).clear()


def read_and_validate(
    path: Path,
    *,
    staged: Path,
    kind: ImportKind,
    known: pl.Series | None,
    dates: validate.DateRange,
    report: ImportReport,
) -> tuple[ImportReport, dict[str, str]]:
    """Read a file, map its headers and check every row into Parquet parts under `staged`:
    the part of an import that touches the file (it runs in a child process: `run_limited`).

    Returns the report with the format, encoding, rows read, warnings and errors filled in,
    and the mapping of the file's headers to canonical columns.
    """
    workdir = staged.parent
    source = readers.open_table(
        path, workdir=workdir, header_hint=canonical_name, types=validate.csv_types(kind)
    )
    report.format, report.encoding = source.format, source.encoding
    mapping = _map_headers(source.headers, kind, report)
    if report.errors:
        return report, mapping
    units = {c: u for h, c in mapping.items() if (u := header_unit(h, c))}
    if units and source.typed:
        # Scaled columns need their unit appended to each cell: read the text instead.
        source = readers.open_table(path, workdir=workdir, header_hint=canonical_name)
    try:
        frame = _canonical(source, mapping, units)
        totals = _validate_to(
            staged, kind, frame, present=set(mapping.values()), known=known, dates=dates
        )
    except pl.exceptions.ComputeError:
        if not source.typed:
            raise
        # A cell that does not fit its type: read everything as text and explain it.
        shutil.rmtree(staged, ignore_errors=True)
        source = readers.open_table(path, workdir=workdir, header_hint=canonical_name)
        frame = _canonical(source, mapping, units)
        totals = _validate_to(
            staged, kind, frame, present=set(mapping.values()), known=known, dates=dates
        )
    for row in totals:
        report.warnings.append(f"row {row} is a total row and was skipped")
    rows = pl.scan_parquet(staged)
    report.rows_read = rows.select(pl.len()).collect().item()
    _collect_row_errors(kind, rows, frame, report)
    return report, mapping


def _canonical(
    source: readers.SourceTable, mapping: dict[str, str], units: dict[str, str]
) -> pl.LazyFrame:
    """The row number and the mapped columns under their canonical names, units applied."""

    def column(header: str, canonical: str) -> pl.Expr:
        cell = pl.col(header)
        unit = units.get(canonical)
        if unit is None:
            return cell.alias(canonical)
        text = cell.cast(pl.Utf8).str.strip_chars()
        blank = text.is_null() | text.is_in(values.BLANKS)
        return (
            pl.when(blank).then(text).otherwise(text.str.strip_suffix(unit) + unit).alias(canonical)
        )

    return source.frame.select(pl.col(validate.ROW), *(column(h, c) for h, c in mapping.items()))


def _validate_to(
    staged: Path,
    kind: ImportKind,
    frame: pl.LazyFrame,
    *,
    present: set[str],
    known: pl.Series | None,
    dates: validate.DateRange,
) -> list[int]:
    """Check the rows chunk by chunk (bounded memory) into Parquet parts of values and errors.

    Returns the rows skipped as totals (合计, 总计 …): exports often end with one.
    """
    staged.mkdir()
    parts = 0
    totals: list[int] = []
    for chunk in frame.collect_batches(chunk_size=CHUNK_ROWS):
        is_total = pl.col("work_id").cast(pl.Utf8).str.strip_chars().is_in(TOTAL_LABELS)
        totals.extend(chunk.filter(is_total)[validate.ROW].to_list())
        checked = validate.check_chunk(
            kind,
            chunk.filter(~is_total.fill_null(False)),
            present=present,
            known_work_ids=known,
            dates=dates,
        )
        checked.write_parquet(
            staged / f"part-{parts:05d}.parquet", statistics=False, compression="uncompressed"
        )
        parts += 1
    if not parts:
        empty = validate.check_chunk(kind, frame.head(0).collect(), present=present)
        empty.write_parquet(staged / "part-00000.parquet")
    return totals


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _map_headers(headers: list[str], kind: ImportKind, report: ImportReport) -> dict[str, str]:
    """Map file headers to canonical columns; report missing, doubled and unknown ones."""
    spec = SPECS[kind]
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header in headers:
        canonical = canonical_name(header)
        if canonical is None or canonical not in spec.all:
            report.warnings.append(f"column '{header}' is not a {kind} column and was ignored")
            continue
        if canonical in seen:
            report.errors.append(
                RowError(
                    row=1,
                    column=header,
                    reason=f"columns '{seen[canonical]}' and '{header}' both mean {canonical}",
                )
            )
            continue
        seen[canonical] = header
        mapping[header] = canonical
    found = ", ".join(headers) or "none"
    for column in spec.required:
        if column not in seen:
            report.errors.append(
                RowError(
                    row=1,
                    column=column,
                    reason=f"required column '{column}' is missing; found: {found}",
                )
            )
    report.columns = mapping
    return mapping


def _known_work_ids(session: Session) -> pl.Series:
    ids = session.execute(select(Work.external_id)).scalars().all()
    return pl.Series("work_id", ids, dtype=pl.Utf8)


def _collect_row_errors(
    kind: ImportKind, rows: pl.LazyFrame, source: pl.LazyFrame, report: ImportReport
) -> None:
    """List every invalid cell and every duplicated key, with row, column, value and reason."""
    error_columns = validate.error_columns(kind)
    bad = (
        rows.filter(pl.any_horizontal(pl.col(error_columns).is_not_null()))
        .select(validate.ROW, *error_columns)
        .unpivot(index=validate.ROW, variable_name="column", value_name="reason")
        .drop_nulls("reason")
        .with_columns(pl.col("column").str.strip_prefix(validate.ERROR_PREFIX))
        .sort(validate.ROW, "column")
        .collect()
    )
    key = list(SPECS[kind].key)
    duplicates = (
        rows.filter(pl.all_horizontal(pl.col(key).is_not_null()))
        .select(validate.ROW, *key)
        .with_columns(pl.col(validate.ROW).min().over(key).alias("first"))
        .filter(pl.col(validate.ROW) != pl.col("first"))
        .collect()
    )
    report.invalid_rows = len(
        set(bad[validate.ROW].to_list()) | set(duplicates[validate.ROW].to_list())
    )
    if not report.invalid_rows:
        return
    listed = bad.head(MAX_LISTED_ERRORS)
    raw = source.filter(
        pl.col(validate.ROW).is_in(listed[validate.ROW].unique().implode())
    ).collect()
    raw_values = {
        (row[validate.ROW], column): None if row.get(column) is None else str(row[column])
        for row in raw.iter_rows(named=True)
        for column in raw.columns
    }
    for row, column, reason in listed.iter_rows():
        report.errors.append(
            RowError(row=row, column=column, value=raw_values.get((row, column)), reason=reason)
        )
    for record in duplicates.head(MAX_LISTED_ERRORS).iter_rows(named=True):
        report.errors.append(
            RowError(
                row=record[validate.ROW],
                column=", ".join(key),
                value=" / ".join(str(record[k]) for k in key),
                reason=f"duplicate of row {record['first']} (same {', '.join(key)})",
            )
        )
    report.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    omitted = len(bad) + len(duplicates) - len(report.errors)
    if omitted > 0:
        report.warnings.append(f"{omitted} further errors are not listed")


def _record(report: ImportReport, *, user: str, simulated: bool, status: str) -> ImportRecord:
    return ImportRecord(
        kind=report.kind,
        file_name=Path(report.file).name,
        file_sha256=report.sha256 or "",
        file_format=report.format or "?",
        encoding=report.encoding,
        status=status,
        rows_read=report.rows_read,
        invalid_rows=report.invalid_rows,
        user=user,
        simulated=simulated,
        created={},
    )


def _reject(session: Session, report: ImportReport, *, user: str, simulated: bool) -> ImportReport:
    """Record a rejected attempt in the audit (unless dry) and return the report."""
    if not report.dry_run:
        record = _record(report, user=user, simulated=simulated, status="rejected")
        record.finished_at = utcnow()
        session.add(record)
        session.flush()
        report.import_id = record.id
    return report


def recent_imports(session: Session, *, limit: int = 50) -> list[ImportRecord]:
    """The newest import records first."""
    return list(
        session.execute(
            select(ImportRecord).order_by(ImportRecord.id.desc()).limit(limit)
        ).scalars()
    )
