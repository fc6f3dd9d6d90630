"""Load spec validation and the CLI's reading of its options: errors name the field and what it expects."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mohawk_bench.cli import TOKEN_ENV, main, parser, spec_from_args
from mohawk_bench.spec import LoadSpec


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://h", "duration_s": 1}, r"url must be http://host\[:port\] or https://host\[:port\], got 'ftp://h'"),
        ({"url": "http://h"}, "give exactly one of duration_s and requests"),
        ({"url": "http://h", "duration_s": 1, "requests": 5}, "give exactly one of duration_s and requests"),
        ({"url": "http://h", "duration_s": 1, "mode": "open"}, "open loop needs a rate"),
        ({"url": "http://h", "duration_s": 1, "concurrency": 2, "processes": 3}, r"processes \(3\) cannot exceed"),
        ({"url": "http://h", "duration_s": 1, "concurrency": 0}, "concurrency\n  Input should be greater than or equal to 1"),
        ({"url": "http://h", "duration_s": -1}, "duration_s\n  Input should be greater than 0"),
        ({"url": "http://h", "duration_s": 1, "arrival": "bursty"}, "arrival\n  Input should be 'constant' or 'poisson'"),
        ({"url": "http://h", "duration_s": 1, "concurency": 4}, "concurency\n  Extra inputs are not permitted"),
    ],
)
def test_invalid_spec_says_what_is_wrong(fields, message):
    with pytest.raises(ValidationError, match=message):
        LoadSpec(model="m", **fields)


def test_cli_options_make_an_open_loop_spec_and_keep_the_token_out_of_its_json():
    args = parser().parse_args(
        ["http://127.0.0.1:9/", "m", "--rate", "50", "--arrival", "poisson", "--requests", "10",
         "--json", "--shape", "input:2,3", "--token", "s3cret"]
    )  # fmt: skip
    spec = spec_from_args(args)
    assert (spec.url, spec.mode, spec.rate, spec.requests, spec.binary) == ("http://127.0.0.1:9", "open", 50, 10, False)
    assert spec.shapes == {"input": [2, 3]}
    assert spec.token_value() == "s3cret"
    assert "s3cret" not in spec.model_dump_json()


def test_spec_file_replaces_the_options_and_the_token_comes_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "spec.json"
    path.write_text(LoadSpec(url="http://h:1", model="m", concurrency=3, requests=7, token="x").model_dump_json())
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    spec = spec_from_args(parser().parse_args(["--spec", str(path)]))
    assert (spec.model, spec.concurrency, spec.requests) == ("m", 3, 7)
    assert spec.token_value() == "from-env"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["http://h:1"], "give the server URL and the model, or --spec FILE"),
        (["http://h:1", "m", "--shape", "2,3", "--requests", "1"], "--shape takes NAME:D1,D2,..., got '2,3'"),
        (["http://h:1", "m", "--requests", "1", "--processes", "0"], "processes\n  Input should be greater than"),
        (["--spec", "/nonexistent/spec.json"], "No such file or directory"),
    ],
)
def test_cli_refuses_bad_options_with_exit_2_and_one_error_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("mohawk-bench: error: ")
    assert message in err
