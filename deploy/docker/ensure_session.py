"""Make sure the engine serves one session, then wait until it is READY (KServe's postStart hook).

KServe starts a model server per InferenceService and expects it to serve that model. The
engine serves what an operator deploys, so this deploys it: it waits for the engine to be
live, creates the session unless one of that name exists, and waits for READY. Exit status:
0 READY, 1 FAILED or timed out, 2 bad arguments or the engine refused the request.

Options come from flags or, for the container, from the environment:
MOHAWK_URL, MOHAWK_API_KEY (an admin key), MOHAWK_SESSION_NAME, MOHAWK_MODEL (default: the
only model in the repository), MOHAWK_DEVICES (comma-separated, default cpu),
MOHAWK_REPLICAS_PER_DEVICE, MOHAWK_MAX_BATCH_SIZE, MOHAWK_TIMEOUT_S.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec, SessionState


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=env("MOHAWK_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--token", default=env("MOHAWK_API_KEY") or env("MOHAWK_BOOTSTRAP_KEY"))
    parser.add_argument("--name", default=env("MOHAWK_SESSION_NAME"), required=not env("MOHAWK_SESSION_NAME"))
    parser.add_argument("--model", default=env("MOHAWK_MODEL"))
    parser.add_argument("--devices", default=env("MOHAWK_DEVICES", "cpu"))
    parser.add_argument("--replicas-per-device", type=int, default=int(env("MOHAWK_REPLICAS_PER_DEVICE", "1")))
    parser.add_argument("--max-batch-size", type=int, default=int(env("MOHAWK_MAX_BATCH_SIZE", "32")))
    parser.add_argument("--timeout", type=float, default=float(env("MOHAWK_TIMEOUT_S", "300")))
    return parser


async def _wait_live(client: EngineClient, deadline: float) -> None:
    while not await client.live():
        if time.monotonic() > deadline:
            raise TimeoutError(f"engine at {client.base_url} is not live")
        await asyncio.sleep(0.2)


async def _model_name(client: EngineClient, requested: str | None) -> str:
    if requested:
        return requested
    models = [m.name for m in await client.list_models() if m.error is None]
    if len(models) != 1:
        raise ValueError(f"name the model to serve (MOHAWK_MODEL): the repository holds {models or 'no model'}")
    return models[0]


async def ensure_session(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.timeout
    async with EngineClient(args.url, token=args.token, timeout=30.0, verify=False) as client:
        await _wait_live(client, deadline)
        names = {s.name for s in await client.list_sessions()}
        if args.name not in names:
            spec = SessionSpec(
                name=args.name,
                model=await _model_name(client, args.model),
                device_map=DeviceMap(devices=args.devices.split(","), replicas_per_device=args.replicas_per_device),
                batching=BatchingConfig(max_batch_size=args.max_batch_size),
            )
            await client.create_session(spec)
        info = await client.wait_for_state(args.name, timeout=max(1.0, deadline - time.monotonic()))
    if info.state is SessionState.READY:
        print(f"session {args.name} READY", flush=True)
        return 0
    print(f"session {args.name} {info.state.value}: {info.reason}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(ensure_session(args))
    except (EngineClientError, ValueError) as exc:
        print(f"ensure_session: {exc}", file=sys.stderr)
        return 2
    except TimeoutError as exc:
        print(f"ensure_session: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
