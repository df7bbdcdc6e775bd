# Shared by the .ci/check-* scripts (sourced, not run). Each check works in a scratch folder of its own
# ($WORK) holding a fresh clone and fresh virtualenvs, removed on exit with anything it left running.

CI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="$(cd "$CI_DIR/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kb-ci.XXXXXX")"
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '%s: %s\n' "$(basename "$0")" "$*"; }

# fresh_clone DEST: a clone of the commit checked out in $PROJECT (what is committed, nothing else).
fresh_clone() {
    if git -C "$PROJECT" rev-parse --verify -q HEAD >/dev/null; then
        git clone -q --no-hardlinks "$PROJECT" "$1"
        git -C "$1" checkout -q --detach "$(git -C "$PROJECT" rev-parse HEAD)"
    else  # not a git checkout: a copy without what installs and builds leave behind
        cp -a "$PROJECT" "$1"
        rm -rf "$1/.venv" "$1/build" "$1"/*.egg-info
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# serve_check PORT SITE_DIR: wait (bounded) for the `kb serve` started as $SERVER_PID to listen on PORT,
# check what it answers, then stop it with SIGTERM and wait (bounded) for it to exit. uvicorn shuts down
# gracefully on SIGTERM, then kb serve exits with 143 (128 + SIGTERM, what a shell reports for it).
serve_check() {
    python3 "$CI_DIR/serve_check.py" --pid "$SERVER_PID" --port "$1" --site "$2"
    kill -TERM "$SERVER_PID"
    local waited=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ "$(ps -o stat= -p "$SERVER_PID" | cut -c1)" != "Z" ]; do
        if [ "$waited" -ge 300 ]; then
            say "kb serve did not stop within 30 s of SIGTERM"
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    local code=0
    wait "$SERVER_PID" || code=$?
    SERVER_PID=""
    if [ "$code" != 143 ] && [ "$code" != 0 ]; then
        say "kb serve exited $code after SIGTERM (not 143: terminated, nor 0)"
        return 1
    fi
    if python3 -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0)' "$1"; then
        say "kb serve stopped on SIGTERM (exit $code); port $1 is closed"
    else
        say "port $1 still answers after kb serve exited"
        return 1
    fi
}
