#!/usr/bin/env bash
# Build deploy/docker/Dockerfile with podman (no Docker daemon, no Docker Hub) and check the image:
# healthcheck, /v2/health/ready, /v2, /v1/models, a session made by ensure_session.py, v2 JSON
# infers (ONNX add-sub, TorchScript mlp-tiny-ts), uid 10001, no PyQt6, image size.
#
# Needs: root, Debian bookworm, `apt-get install podman debootstrap runc`, and PyPI.
# With a registry at hand, PYTHON_IMAGE=python:3.11-slim builds on the real base; without one the
# base is a local stand-in for it (debootstrap from Debian's mirror; Debian's python3 is 3.11).
# Usage: deploy/docker/check-image.sh [REPO]
# env: PYTHON_IMAGE, TORCH_WHEEL (a local CPU torch wheel, so the PyTorch index is not asked),
#      WORK (/tmp/mohawk-image-check), PORT (18003), KEEP_CONTAINER=1, NO_BUILD=1,
#      BUILD_FLAGS=--no-cache (a clean build), PODMAN_RUNTIME (runc).
# `--format docker`: podman's default OCI format drops HEALTHCHECK ("HEALTHCHECK is not supported
# for OCI image format and will be ignored").
set -euo pipefail

REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=${WORK:-/tmp/mohawk-image-check}
PORT=${PORT:-18003}
BASE=${PYTHON_IMAGE:-localhost/python:3.11-slim-local}
IMAGE=mohawk-engine:check
NAME=mohawk-check
NICE=(nice -n 19 ionice -c3)
TORCH_WHEEL=${TORCH_WHEEL:-}
# runc rather than crun: crun refuses hosts whose cgroups are a v1/v2 hybrid ("cgroups in hybrid
# mode not supported"). Without CAP_SYS_RESOURCE (some VMs and containers) podman's default
# rlimits (nofile 1048576, nproc 4194304) fail with "setrlimit RLIMIT_NOFILE/NPROC: Operation not
# permitted": pass ones below the hard limits.
PODMAN=(podman --runtime "${PODMAN_RUNTIME:-runc}")
ULIM=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
mkdir -p "$WORK"
step() { printf '\n=== %s\n' "$*"; }

# ---------------------------------------------------------------- 1. base image stand-in
if [ -z "${PYTHON_IMAGE:-}" ] && ! podman image exists "$BASE"; then
    step "base image $BASE (debootstrap bookworm minbase + python3)"
    if [ ! -x "$WORK/rootfs/usr/bin/python" ]; then
        "${NICE[@]}" debootstrap --variant=minbase \
            --include=python3,python3-venv,python3-pip,python-is-python3,ca-certificates \
            bookworm "$WORK/rootfs" http://deb.debian.org/debian
    fi
    # Where PyPI is reached through a TLS-intercepting proxy, its CA (installed on this host in
    # /usr/local/share/ca-certificates) is trusted inside the base too; elsewhere this does nothing.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$WORK/rootfs/usr/local/share/ca-certificates/"
        chroot "$WORK/rootfs" update-ca-certificates >/dev/null
        printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > "$WORK/rootfs/etc/pip.conf"
    fi
    # Trim like the slim images do.
    rm -rf "$WORK"/rootfs/var/cache/apt/*.bin "$WORK"/rootfs/var/cache/apt/archives/*.deb \
           "$WORK"/rootfs/var/lib/apt/lists/* "$WORK"/rootfs/usr/share/doc/* "$WORK"/rootfs/usr/share/man/*
    tar -C "$WORK/rootfs" -c . | podman import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' - "$BASE"
fi

# ---------------------------------------------------------------- 2. build
if [ -z "${NO_BUILD:-}" ]; then
    step "build $IMAGE"
    if [ -n "$TORCH_WHEEL" ]; then
        cp "$TORCH_WHEEL" "$REPO/deploy/docker/wheels/"      # git-ignored (deploy/docker/wheels/.gitignore)
        trap 'rm -f "$REPO/deploy/docker/wheels/$(basename "$TORCH_WHEEL")"' EXIT
    fi
    start=$(date +%s)
    (cd "$REPO" && "${NICE[@]}" "${PODMAN[@]}" build "${ULIM[@]}" --format docker ${BUILD_FLAGS:-} -f deploy/docker/Dockerfile \
        --build-arg PYTHON_IMAGE="$BASE" -t "$IMAGE" .)
    echo "build took $(( $(date +%s) - start )) s"
    [ -z "$TORCH_WHEEL" ] || rm -f "$REPO/deploy/docker/wheels/$(basename "$TORCH_WHEEL")"
fi

# ---------------------------------------------------------------- 3. static checks
step "image size"
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "mohawk-engine:check|$BASE"
step "user, PyQt6, versions"
podman image inspect "$IMAGE" --format 'User={{.Config.User}} Cmd={{.Config.Cmd}} Healthcheck={{.Config.Healthcheck}}'
"${PODMAN[@]}" run "${ULIM[@]}" --rm --no-healthcheck --network none "$IMAGE" sh -c 'id; pip list 2>/dev/null | grep -i -E "^(pyqt6|pyqtgraph|qasync|torch|onnxruntime|fastapi|uvicorn|numpy) " ; python -c "import importlib.util as u; print(\"PyQt6 importable:\", u.find_spec(\"PyQt6\") is not None)"'

# ---------------------------------------------------------------- 4. run with the image's own engine.toml
step "run $NAME (TLS + API keys, as engine.toml configures)"
T=$(mktemp -d "$WORK/run.XXXX"); chmod 755 "$T"
mkdir -p "$T/models" "$T/certs"
"${PODMAN[@]}" run "${ULIM[@]}" --rm --no-healthcheck --network none -v "$T:/out" --user 0 "$IMAGE" sh -c \
    "mohawk-engine demo-models /out/models >/dev/null && mohawk-engine certs /out/certs --hosts localhost,127.0.0.1 >/dev/null"
cp "$T/certs/server.pem" "$T/certs/tls.crt"; cp "$T/certs/server-key.pem" "$T/certs/tls.key"
chown -R 10001:10001 "$T/models"; chmod 644 "$T"/certs/*
ls "$T/models"
KEY=$(python3 -c 'import secrets; print(f"mhk_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}")')
podman rm -f "$NAME" >/dev/null 2>&1 || true
"${PODMAN[@]}" run "${ULIM[@]}" -d --name "$NAME" -p "127.0.0.1:$PORT:8003" \
    -e MOHAWK_BOOTSTRAP_KEY="$KEY" \
    -v "$T/models:/models" -v "$T/certs:/etc/mohawk/tls:ro" "$IMAGE"
cleanup_run() { [ -n "${KEEP_CONTAINER:-}" ] || podman rm -f "$NAME" >/dev/null 2>&1 || true; }
trap 'cleanup_run; [ -z "$TORCH_WHEEL" ] || rm -f "$REPO/deploy/docker/wheels/$(basename "$TORCH_WHEEL")"' EXIT

URL="https://127.0.0.1:$PORT"
C=(curl -sS --cacert "$T/certs/ca.pem" --max-time 30)
for i in $(seq 1 60); do
    [ "$("${C[@]}" -o /dev/null -w '%{http_code}' "$URL/v2/health/live" 2>/dev/null)" = 200 ] && break
    sleep 1
done
echo "live after ${i}s"
show() {  # METHOD PATH [curl args]: the status code, then the body cut to 300 characters
    local out; out=$("${C[@]}" -X "$1" -w '\n%{http_code}' "${@:3}" "$URL$2")
    printf '%s %s -> HTTP %s %s\n' "$1" "$2" "${out##*$'\n'}" "$(printf '%s' "${out%$'\n'*}" | cut -c1-300)"
}

step "healthcheck"
"${PODMAN[@]}" healthcheck run "$NAME" && echo "podman healthcheck run: healthy (exit 0)"
podman inspect "$NAME" --format "State.Health.Status={{.State.Health.Status}} FailingStreak={{.State.Health.FailingStreak}}"
"${PODMAN[@]}" exec "$NAME" python /opt/mohawk/libexec/healthcheck.py
step "probes and metadata"
show GET /v2/health/ready
printf 'plain http (TLS is on): '; curl -sS --max-time 5 -o /dev/null -w '[HTTP %{http_code}]\n' "http://127.0.0.1:$PORT/v2/health/ready" || true
show GET /v2
show GET /v1/models                                              # no key: must be 401
show GET /v1/models -H "Authorization: Bearer $KEY"
printf 'models: '; "${C[@]}" -H "Authorization: Bearer $KEY" "$URL/v1/models" | python3 -c \
    'import json,sys; print([(m["name"], m["format"], m.get("error")) for m in json.load(sys.stdin)])'
show GET /v1/server -H "Authorization: Bearer $KEY"
step "sessions via the image's ensure_session.py (KServe postStart hook) over HTTPS"
for m in add-sub mlp-tiny-ts; do
    "${PODMAN[@]}" exec -e MOHAWK_URL=https://127.0.0.1:8003 -e MOHAWK_API_KEY="$KEY" \
        -e MOHAWK_SESSION_NAME="$m" -e MOHAWK_MODEL="$m" -e MOHAWK_TIMEOUT_S=120 \
        "$NAME" python /opt/mohawk/libexec/ensure_session.py
done
show GET /v2/health/ready
show GET /v2/models/add-sub/ready
step "v2 infer, JSON tensors"
BODY=$(python3 -c 'import json; a=list(range(16)); b=[1.0]*16
print(json.dumps({"id":"check","inputs":[{"name":"INPUT0","datatype":"FP32","shape":[1,16],"data":a},
 {"name":"INPUT1","datatype":"FP32","shape":[1,16],"data":b}]}))')
show POST /v2/models/add-sub/infer -H 'content-type: application/json' -d "$BODY"
BODY=$(python3 -c 'import json; print(json.dumps({"inputs":[{"name":"input","datatype":"FP32","shape":[2,512],"data":[0.01]*1024}]}))')
show POST /v2/models/mlp-tiny-ts/infer -H 'content-type: application/json' -d "$BODY"
step "processes in the container (uid)"
podman top "$NAME" user huser pid args
"${PODMAN[@]}" exec "$NAME" sh -c 'cat /proc/1/status | grep -E "^(Uid|Gid)"'
step "logs (tail)"
podman logs --tail 8 "$NAME" 2>&1
