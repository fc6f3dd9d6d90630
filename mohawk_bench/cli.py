"""mohawk-bench: load an Open Inference Protocol v2 endpoint and measure it.

    mohawk-bench http://127.0.0.1:8003 mlp-tiny --concurrency 32 --duration 10 --warmup 2
    mohawk-bench http://127.0.0.1:8003 mlp-tiny --rate 500 --arrival poisson --requests 5000
    mohawk-bench --spec spec.json --output results.json

Prints one JSON line of progress per second on stdout, a summary on stderr, and writes the
results JSON (--output). Ctrl+C (SIGINT) or SIGTERM ends the run early with partial results.
Exit code 0: the run ended (early too) and its results are written; 2: it was refused or
could not start, with the reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr, ValidationError

from mohawk_bench import coordinator
from mohawk_bench.metadata import MetadataError
from mohawk_bench.results import LoadResult, ProgressSample, save_result
from mohawk_bench.spec import LoadSpec, TlsOptions
from mohawk_bench.tensors import InputError

TOKEN_ENV = "MOHAWK_BENCH_TOKEN"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mohawk-bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", nargs="?", help="the server, e.g. http://127.0.0.1:8003")
    p.add_argument("model", nargs="?", help="the model (on Mohawk: the session name)")
    p.add_argument("--spec", type=Path, help="a LoadSpec JSON file; replaces every load option below")
    p.add_argument("--model-version")
    load = p.add_argument_group("load")
    load.add_argument("--concurrency", type=int, default=1, help="closed loop: requests kept in flight")
    load.add_argument("--rate", type=float, help="open loop: requests per second")
    load.add_argument("--arrival", choices=["constant", "poisson"], default="constant")
    load.add_argument("--max-in-flight", type=int, default=64, help="open loop: most connections open")
    load.add_argument("--duration", type=float, help="seconds measured (after the warm-up)")
    load.add_argument("--requests", type=int, help="requests measured (after the warm-up)")
    load.add_argument("--warmup", type=float, default=0.0, help="seconds of load left out of the results")
    load.add_argument("--processes", type=int, default=1, help="worker processes sharing the load")
    load.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each reply")
    data = p.add_argument_group("request")
    data.add_argument("--json", action="store_true", help="JSON tensors instead of binary tensor data")
    data.add_argument("--batch", type=int, default=1, help="rows per request for a batching model")
    data.add_argument("--shape", action="append", default=[], metavar="NAME:D1,D2", help="an input's full shape")
    data.add_argument("--data", type=Path, help=".npy, .npz or JSON file of input arrays (default: random)")
    data.add_argument("--seed", type=int, default=0, help="seed of the random input data")
    auth = p.add_argument_group("authentication and TLS")
    auth.add_argument("--token", help=f"API token sent as a Bearer header (default: ${TOKEN_ENV})")
    auth.add_argument("--ca-file", type=Path, help="CA bundle to verify the server with")
    auth.add_argument("--insecure", action="store_true", help="do not verify the server's certificate")
    auth.add_argument("--cert", type=Path, help="client certificate (PEM)")
    auth.add_argument("--key", type=Path, help="client certificate key (PEM)")
    out = p.add_argument_group("output")
    out.add_argument("--output", type=Path, help="results JSON (default: mohawk-bench-<time>.json)")
    out.add_argument("--quiet", action="store_true", help="no summary on stderr")
    return p


def spec_from_args(args: argparse.Namespace) -> LoadSpec:
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if args.spec:
        spec = LoadSpec.model_validate_json(args.spec.read_text())
        return spec.model_copy(update={"token": SecretStr(token)}) if token else spec  # model_copy skips validation
    if not args.url or not args.model:
        raise ValueError("give the server URL and the model, or --spec FILE")
    return LoadSpec(
        url=args.url,
        model=args.model,
        model_version=args.model_version,
        mode="open" if args.rate is not None else "closed",
        concurrency=args.concurrency,
        rate=args.rate,
        arrival=args.arrival,
        max_in_flight=args.max_in_flight,
        duration_s=args.duration,
        requests=args.requests,
        warmup_s=args.warmup,
        binary=not args.json,
        batch=args.batch,
        shapes=dict(_shape(text) for text in args.shape),
        data_file=args.data,
        seed=args.seed,
        timeout_s=args.timeout,
        processes=args.processes,
        token=token,
        tls=TlsOptions(ca_file=args.ca_file, verify=not args.insecure, cert_file=args.cert, key_file=args.key),
    )


def _shape(text: str) -> tuple[str, list[int]]:
    name, colon, dims = text.rpartition(":")
    if not colon or not name:
        raise ValueError(f"--shape takes NAME:D1,D2,..., got {text!r}")
    return name, [int(d) for d in dims.split(",") if d]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        spec = spec_from_args(args)
    except (ValueError, OSError) as exc:  # pydantic's ValidationError is a ValueError
        return _fail(exc)
    requested: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, _frame: requested.append(number))
    try:
        result = coordinator.run(spec, _print_sample, lambda: bool(requested))
    except (MetadataError, InputError, ValidationError, coordinator.WorkerFailure, OSError) as exc:
        return _fail(exc)
    output = args.output or Path(f"mohawk-bench-{datetime.now():%Y%m%d-%H%M%S}.json")
    save_result(result, output)
    if not args.quiet:
        _summary(result, output)
    return 0


def _print_sample(sample: ProgressSample) -> None:
    sys.stdout.write(sample.model_dump_json() + "\n")
    sys.stdout.flush()


def _fail(exc: Exception) -> int:
    print(f"mohawk-bench: error: {exc}", file=sys.stderr)
    return 2


def _summary(result: LoadResult, output: Path) -> None:
    totals, latency = result.totals, result.latency
    late_or_missed = totals.late or totals.missed
    lines = [
        f"{result.spec.model} at {result.spec.url}: {totals.requests} requests in {totals.duration_s:.2f} s"
        + (" (stopped early)" if result.stopped else ""),
        f"  throughput  {totals.throughput:.1f} req/s, {totals.items_per_s:.1f} items/s",
        "  latency ms  " + ", ".join(f"{k.removesuffix('_ms')} {v:.3f}" for k, v in latency.model_dump().items() if v is not None),
        f"  errors      {totals.errors}" + (f" {json.dumps(result.errors)}" if result.errors else ""),
        *([f"  sends       {totals.late} late, {totals.missed} missed (rate not kept)"] if late_or_missed else []),
        f"  results     {output}",
    ]
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
