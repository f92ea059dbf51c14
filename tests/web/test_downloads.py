"""Downloads whose names or cells come from users: any work id downloads, no cell runs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from microdrama.app import create_app
from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.ingest.service import import_file
from microdrama.spreadsheets import BOM
from microdrama.web.downloads import content_disposition

HOSTILE_IDS = ['剧"1', "=1+1", "W\\..\\x", "长" * 64]


@pytest.fixture
def client(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> Iterator[TestClient]:
    works = "work_id,title\n" + "".join(
        f'"{i.replace(chr(34), chr(34) * 2)}",=HYPERLINK(""http://evil"")\n' for i in HOSTILE_IDS
    )
    metrics = "work_id,platform,date,plays\n" + "".join(
        f'"{i.replace(chr(34), chr(34) * 2)}",红果短剧,2025-10-01,5\n' for i in HOSTILE_IDS
    )
    with unit_of_work(sessions) as session:
        for kind, text in (("works", works), ("metrics", metrics)):
            path = tmp_path / f"{kind}.csv"
            path.write_text(text, encoding="utf-8")
            report = import_file(session, settings=settings, kind=kind, path=path)
            assert report.committed, report.errors
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("work_id", HOSTILE_IDS)
def test_a_work_whose_id_breaks_headers_downloads_its_metrics(
    client: TestClient, work_id: str
) -> None:
    response = client.get(f"/works/{quote(work_id, safe='')}/metrics.csv")
    assert response.status_code == 200
    header = response.headers["content-disposition"]
    assert header.startswith('attachment; filename="') and "filename*=UTF-8''" in header
    named = unquote(header.split("filename*=UTF-8''", 1)[1])
    assert "/" not in named and "\\" not in named and len(named) <= 150
    rows = list(csv.reader(io.StringIO(response.text.removeprefix(BOM))))
    assert rows[0][0] == "work_id" and rows[1][0] in (work_id, "'" + work_id)
    assert not rows[1][0].startswith("=")


def test_a_disposition_keeps_the_name_as_written_for_browsers_that_read_it() -> None:
    header = content_disposition("星河 2025-11 报告.zip")
    assert unquote(header.split("''", 1)[1]) == "星河 2025-11 报告.zip"
    assert content_disposition("review.html", inline=True).startswith("inline;")
    assert 'filename="download"' in content_disposition("..")
    assert len(unquote(content_disposition("长" * 300 + ".csv").split("''", 1)[1])) == 150
