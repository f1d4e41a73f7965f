"""The shipped price catalogue (pinned well-known rows) and the validator of uploaded ones."""

from __future__ import annotations

import pytest

from kube_console.costs.catalogue import (
    COLUMNS,
    MAX_ERRORS_SHOWN,
    Catalogue,
    CatalogueInvalid,
    parse_catalogue,
    shipped_catalogue,
)

HEADER = ",".join(COLUMNS)
GOOD = "aws,us-east-1,m5.large,2,8,0,,0.096,AWS EC2 On-Demand Pricing (Linux),2026-01-19"


@pytest.mark.parametrize(
    ("provider", "region", "instance_type", "price"),
    [
        ("aws", "us-east-1", "m5.large", 0.096),
        ("aws", "us-east-1", "t3.medium", 0.0416),
        ("aws", "us-east-1", "t3.small", 0.0208),
        ("aws", "us-east-1", "m6i.large", 0.096),
        ("aws", "us-east-1", "c5.large", 0.085),
        ("aws", "us-east-1", "r5.large", 0.126),
        ("aws", "us-east-1", "g5.xlarge", 1.006),
        ("aws", "eu-west-1", "m5.large", 0.107),
        ("gcp", "us-central1", "n2-standard-2", 0.097118),
        ("gcp", "us-central1", "a2-highgpu-1g", 3.673385),
        ("azure", "eastus", "Standard_D2s_v5", 0.096),
        ("azure", "eastus", "Standard_ND96asr_v4", 27.197),
    ],
)
def test_well_known_list_prices_are_pinned(provider, region, instance_type, price):
    row = Catalogue(shipped_catalogue()).lookup(provider, region, instance_type)
    assert row is not None and row.on_demand_hour == price
    assert row.source and row.as_of and row.origin == "shipped"


def test_the_shipped_catalogue_covers_every_family_in_two_regions_with_shapes_and_gpus():
    rows = shipped_catalogue()
    families: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        family = (
            row.instance_type.split(".")[0]
            if row.provider == "aws"
            else (
                row.instance_type.split("-")[0]
                if row.provider == "gcp"
                else row.instance_type.split("_", 1)[1]
            )
        )
        families.setdefault((row.provider, family), set()).add(row.region)
    expected = {
        "aws": ["m5", "m6i", "m7i", "c5", "c6i", "c7i", "r5", "r6i", "t3", "g5", "g6", "p4d"],
        "gcp": ["e2", "n2", "n2d", "c3", "a2", "g2"],
    }
    for provider, names in expected.items():
        for name in names:
            assert len(families[(provider, name)]) >= 2, (provider, name)
    azure = {key[1]: regions for key, regions in families.items() if key[0] == "azure"}
    for suffix in ("D2s_v5", "E2s_v5", "F2s_v2", "NC4as_T4_v3", "ND96asr_v4"):
        assert azure[suffix] == {"eastus", "westeurope"}
    p4d = Catalogue(rows).lookup("aws", "us-east-1", "p4d.24xlarge")
    assert (p4d.vcpu, p4d.memory_gib, p4d.gpu_count, p4d.gpu_model) == (
        96,
        1152,
        8,
        "NVIDIA A100 40GB",
    )
    assert all(row.gpu_count == 0 or row.gpu_model for row in rows)


def test_the_shipped_catalogue_is_parsed_once_per_process():
    assert shipped_catalogue() is shipped_catalogue()


def test_lookups_ignore_case_and_surrounding_spaces():
    catalogue = Catalogue(parse_catalogue(f"{HEADER}\n{GOOD}\n"))
    assert catalogue.lookup("AWS", " us-east-1 ", "M5.Large").on_demand_hour == 0.096
    assert catalogue.lookup(None, "us-east-1", "m5.large") is None


def test_a_valid_upload_parses_every_row_in_any_column_order_and_skips_blank_lines():
    reordered = "as_of,source,on_demand_hour,gpu_model,gpu_count,memory_gib,vcpu,instance_type,region,provider"
    text = f"{reordered}\n2026-02-01,EDP,1.5,NVIDIA L4,1,16,4,g6.xlarge,us-east-1,aws\n\n"
    (row,) = parse_catalogue(text.encode())
    assert (row.instance_type, row.gpu_count, row.on_demand_hour, row.origin) == (
        "g6.xlarge",
        1,
        1.5,
        "organization",
    )


def errors_of(text: str | bytes) -> list[str]:
    with pytest.raises(CatalogueInvalid) as refused:
        parse_catalogue(text)
    return refused.value.lines


def test_every_bad_value_is_reported_with_its_line_and_column():
    rows = [
        GOOD,
        "aws,us-east-1,m5.xlarge,4,16,0,,abc,AWS,2026-01-19",
        "oracle,us-east-1,m5.2xlarge,8,32,0,,0.384,AWS,2026-01-19",
        "aws,US East,m5.4xlarge,16,64,0,,0.768,AWS,2026-01-19",
        "aws,us-east-1,m5.8xlarge,-1,128,0.5,,1.536,AWS,19/01/2026",
        "aws,us-east-1,,32,128,0,,1.536,,2026-01-19",
        "aws,us-east-1,m5.large,2,8,0,,0.1,dupe,2026-01-19",
        "aws,us-east-1,m5.12xlarge,48",
        "aws,us-east-1,m5.16xlarge,64,256,0,,nan,AWS,2026-01-19",
    ]
    assert errors_of("\n".join([HEADER, *rows])) == [
        "line 3: on_demand_hour: expected a non-negative number, got 'abc'",
        "line 4: provider: expected one of aws, gcp, azure, got 'oracle'",
        "line 5: region: expected a region name such as us-east-1, got 'US East'",
        "line 6: vcpu: expected a non-negative number, got '-1'",
        "line 6: gpu_count: expected a non-negative whole number, got '0.5'",
        "line 6: as_of: expected a date such as 2026-01-31, got '19/01/2026'",
        "line 7: instance_type: is required",
        "line 7: source: is required",
        "line 8: instance_type: aws us-east-1 m5.large is already on line 2",
        "line 9: expected 10 values, got 4",
        "line 10: on_demand_hour: expected a non-negative number, got 'nan'",
    ]


def test_the_header_must_name_exactly_the_catalogue_columns():
    assert errors_of("provider,region,instance_type,price\n") == [
        (
            "line 1: columns: expected provider, region, instance_type, vcpu, memory_gib, "
            "gpu_count, gpu_model, on_demand_hour, source, as_of; "
            "got provider, region, instance_type, price"
        )
    ]
    assert errors_of(b"") == ["file: is empty; expected a header line and rows"]


def test_files_that_are_too_big_not_utf8_or_hold_nul_are_refused_before_parsing():
    assert errors_of(b"x" * 1_000_001) == ["file: must be at most 1,000,000 bytes, got 1,000,001"]
    # the bad byte follows the header and its line break
    assert errors_of(HEADER.encode() + b"\n\xff\xfe") == [
        f"file: expected UTF-8 text, byte {len(HEADER) + 2} is not"
    ]
    assert errors_of(f"{HEADER}\n{GOOD}\x00\n") == [
        "file: contains a NUL character; expected CSV text"
    ]


def test_the_row_count_is_capped_and_the_error_list_is_cut_short():
    many = "\n".join(f"aws,us-east-1,x{n}.large,2,8,0,,0.1,AWS,2026-01-19" for n in range(10_001))
    assert errors_of(f"{HEADER}\n{many}")[-1] == "line 10002: the file may hold at most 10,000 rows"
    bad = "\n".join(f"aws,us-east-1,y{n}.large,2,8,0,,oops,AWS,2026-01-19" for n in range(80))
    lines = errors_of(f"{HEADER}\n{bad}")
    assert len(lines) == MAX_ERRORS_SHOWN + 1 and lines[-1] == "file: and 30 more errors"


def test_a_utf8_byte_order_mark_is_accepted():
    assert len(parse_catalogue(("\ufeff" + f"{HEADER}\n{GOOD}\n").encode())) == 1
