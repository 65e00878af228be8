"""The readers of ``discourse.is_discourse`` as one table (``discourse.READERS``): each row is
named, documented in one line with its round, and has a real clause that it alone reads; the
table decides ``is_discourse`` and names the reader that matched (``discourse_reader``)."""

from __future__ import annotations

import pytest

from clinical.knowledge import discourse

READERS = {r.name: r for r in discourse.READERS}


def test_reader_names_are_unique() -> None:
    assert len(READERS) == len(discourse.READERS)


@pytest.mark.parametrize("name", list(READERS))
def test_every_reader_is_named_and_documented(name: str) -> None:
    reader = READERS[name]
    assert reader.name.isidentifier()
    assert reader.doc and "\n" not in reader.doc and "(" in reader.doc  # its round, in brackets
    assert reader.read.__doc__ and reader.read.__doc__.strip()


@pytest.mark.parametrize("name", list(READERS))
def test_every_reader_alone_reads_its_example(name: str) -> None:
    reader = READERS[name]
    about = reader.beside_complaint
    assert discourse.discourse_readers(reader.example, about=about) == [name]
    assert discourse.discourse_reader(reader.example, about=about) == name
    assert discourse.is_discourse(reader.example, about=about)


@pytest.mark.parametrize("name", [r.name for r in discourse.READERS if r.beside_complaint])
def test_a_reader_beside_a_complaint_reads_nothing_alone(name: str) -> None:
    # alone the clause refers to something unseen: it stays unread
    assert discourse.discourse_reader(READERS[name].example) is None


@pytest.mark.parametrize(
    ("clause", "about", "asked", "reader"),
    [
        ("谢谢医生", False, False, "reassuring"),
        ("体温37.2", False, False, "normal_reading"),
        ("要紧吗", True, False, "care_question"),
        ("饭前吃", True, True, "care_question"),
        ("如果伤口流脓怎么办", False, False, "care_question"),  # a symptom asked about
        ("吃了退烧药就退", True, False, "medicine_talk"),
        # unread: a complaint, an unknown word, a question about a complaint alone
        ("头痛", True, True, None),
        ("胸口有点闷", True, False, None),
        ("要紧吗", False, False, None),
        ("饭前吃", True, False, None),
        ("前天淋了雨", False, False, None),
    ],
)
def test_discourse_reader_names_the_first_reader(
    clause: str, about: bool, asked: bool, reader: str | None
) -> None:
    assert discourse.discourse_reader(clause, about=about, asked=asked) == reader
    assert discourse.is_discourse(clause, about=about, asked=asked) is (reader is not None)


# 2026-12-07: normal_reading reads the value with the one readings reader (no regex of its own):
# Chinese numerals, an interval wholly inside the range (七十多), a value said to be about
# (大概7, 7左右: a symmetric hedge), traditional and full-width forms; a one-sided hedge (将近),
# a range, another unit or an interval reaching out of the range is not a normal reading.
@pytest.mark.parametrize(
    ("clause", "normal"),
    [
        ("体温三十六度五", True),
        ("体温三十六度五左右", True),
        ("血糖大概7", True),
        ("血糖7左右", True),
        ("血压大概130/80", True),
        ("心跳七十多", True),
        ("空腹血糖五点几", True),
        ("體溫36.8", True),
        ("血糖６．２", True),
        ("早上测的血压130/85mmHg", True),
        ("血糖将近7", False),
        ("血糖7到8", False),
        ("血糖120mg/dl", False),
        ("血糖10点多", False),
        ("心跳九十多", False),
        ("体温三十七度五左右", False),
        ("血糖7左右，头晕", False),
        ("血压130左右", False),
    ],
)
def test_normal_reading_reads_values_with_the_one_readings_reader(
    clause: str, normal: bool
) -> None:
    assert discourse.normal_reading(clause) is normal
