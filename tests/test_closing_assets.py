"""The inventarier (assets) file: the documented format reads into ``AssetInputs``
exactly (no floats), and every mistake names the file, the key and what to do."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from closing.appropriations import AssetInputs
from closing.assets import ASSETS_HELP, KEYS, AssetsError, parse_assets, read_assets
from sie import amounts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ASSETS = ROOT / "samples" / "norrsken_ab_2025_inventarier.json"


def test_the_bundled_sample_reads_as_written() -> None:
    assets = read_assets(SAMPLE_ASSETS)
    raw = json.loads(SAMPLE_ASSETS.read_text("utf-8"))
    assert assets == AssetInputs(
        opening_tax_value=Decimal(raw["opening_tax_value"]),
        acquisitions={int(y): Decimal(v) for y, v in raw["acquisitions"].items()},
        disposals=Decimal(raw["disposals"]),
        book_value=None,
    )


def test_the_help_documents_every_key_and_its_example_parses() -> None:
    for key in KEYS:
        assert key in ASSETS_HELP
    example = ASSETS_HELP[ASSETS_HELP.index("{") : ASSETS_HELP.rindex("}") + 1]
    assets = parse_assets(json.loads(example))
    assert assets.acquisitions[2025] == Decimal("134500.00")


def test_json_numbers_are_read_exactly_never_as_floats(tmp_path: Path) -> None:
    path = tmp_path / "assets.json"
    path.write_text(
        '{"opening_tax_value": 0.1, "disposals": 1234567890123.45, "acquisitions": {"2025": 100}}',
        encoding="utf-8",
    )
    assets = read_assets(path)
    assert assets.opening_tax_value == Decimal("0.1")
    assert assets.disposals == Decimal("1234567890123.45")
    assert assets.acquisitions == {2025: Decimal("100")}


def test_swedish_notation_and_a_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "assets.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"book_value": "12 345,50"}')
    assert read_assets(path).book_value == Decimal("12345.50")


def test_an_empty_object_leaves_everything_to_the_ledger() -> None:
    assert parse_assets({}) == AssetInputs()
    assert parse_assets({"acquisitions": None, "comment": "x"}) == AssetInputs()


@pytest.mark.parametrize(
    ("data", "key", "says"),
    [
        ({"opening_tax_value": True}, "opening_tax_value", "must be an amount"),
        ({"disposals": [1]}, "disposals", "must be an amount"),
        ({"book_value": "1e30"}, "book_value", "not an amount"),
        ({"book_value": Decimal("1e30")}, "book_value", "out of range"),
        ({"disposals": "1" * 29}, "disposals", "out of range"),
        ({"disposals": "-1"}, "disposals", "zero or more"),
        ({"acquisitions": {"2025": "NaN"}}, "acquisitions.2025", "not an amount"),
        ({"acquisitions": {"25": "1"}}, "acquisitions.25", "is not a year"),
        ({"acquisitions": ["2025"]}, "acquisitions", "must map years"),
        ({"acquisition": {}}, "acquisition", "unknown key"),
    ],
)
def test_every_mistake_names_file_key_and_remedy(data: object, key: str, says: str) -> None:
    with pytest.raises(AssetsError) as caught:
        parse_assets(data, "my.json")
    error = caught.value
    assert (error.file, error.key) == ("my.json", key)
    assert says in error.message
    assert str(error).startswith(f"my.json: {key}: ")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"{not json", "not valid JSON (line 1, column 2"),
        (b"[1, 2]", "expected a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_that_is_not_the_format_says_so(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "assets.json"
    path.write_bytes(content)
    with pytest.raises(AssetsError) as caught:
        read_assets(path)
    assert caught.value.file == str(path) and caught.value.key == ""
    assert says in caught.value.message


def test_a_missing_file_and_a_folder_get_their_own_reason(tmp_path: Path) -> None:
    with pytest.raises(AssetsError, match="no such file"):
        read_assets(tmp_path / "missing.json")
    with pytest.raises(AssetsError, match="is a folder"):
        read_assets(tmp_path)


@given(
    st.decimals(
        min_value=0,
        max_value=amounts.LIMIT - 1,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.booleans(),
)
def test_any_amount_in_range_reads_back_exactly(value: Decimal, as_number: bool) -> None:
    text = json.dumps({"disposals": str(value)}) if not as_number else f'{{"disposals": {value}}}'
    data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    assert parse_assets(data).disposals == value
