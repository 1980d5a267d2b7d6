"""Run a seeded moto server on a free 127.0.0.1 port for the Rust integration tests.

Usage: python moto_launcher.py {verifying|open} PARENT_PID

In "verifying" mode moto gets INITIAL_NO_AUTH_ACTION_COUNT equal to the number
of seeding requests, so every later request must carry a valid SigV4 signature
and pass IAM policy and role trust checks. In "open" mode moto checks nothing.

Once seeded and serving, the launcher prints one line to stdout:
    MOTO_HARNESS_READY {"port": ..., "account_id": ..., ...}
Everything else, including werkzeug's access log, goes to stderr.

The launcher exits by itself when its stdin reaches end of file or its parent
process changes, so a server whose test process died does not outlive it.
"""

import json
import os
import sys
import threading
import time
import traceback

import moto_seed

READY_PREFIX = "MOTO_HARNESS_READY "
# Served by the counting middleware itself, so these requests never reach
# moto. They are not counted and do not use up moto's no-auth budget.
REQUEST_COUNT_PATH = "/__harness__/request-count"
PARENT_POLL_SECONDS = 0.2


class RequestCounter:
    """WSGI middleware that counts the requests reaching moto.

    The count goes up before moto handles the request, so it is up to date
    before the first byte of the response is written.
    """

    def __init__(self, app):
        self._app = app
        self._lock = threading.Lock()
        self._count = 0

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == REQUEST_COUNT_PATH:
            body = str(self.count()).encode()
            start_response(
                "200 OK",
                [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
            )
            return [body]
        with self._lock:
            self._count += 1
        return self._app(environ, start_response)

    def count(self):
        with self._lock:
            return self._count

    def reset(self):
        with self._lock:
            self._count = 0


def exit_when_stdin_closes():
    # The Rust side keeps the write end of stdin open for as long as it lives.
    while sys.stdin.buffer.read(4096):
        pass
    stop("stdin closed")


def exit_when_parent_changes(parent_pid):
    # A backup for exit_when_stdin_closes: if the parent dies, this process is
    # re-parented and getppid() returns another pid.
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    stop(f"parent process {parent_pid} is gone")


def stop(reason):
    try:
        print(f"moto_launcher: {reason}, stopping", file=sys.stderr, flush=True)
    except OSError:
        # A dead parent leaves stderr a pipe without a reader.
        pass
    os._exit(0)


def seed_and_announce(server, counter, mode):
    try:
        endpoint = f"http://127.0.0.1:{server.port}"
        facts = moto_seed.seed(endpoint)
        check_seed_request_count(counter, mode)
        counter.reset()
        facts["port"] = server.port
        facts["seed_call_count"] = moto_seed.SEED_CALL_COUNT
        print(READY_PREFIX + json.dumps(facts), flush=True)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)


def check_seed_request_count(counter, mode):
    """Raise unless seeding sent exactly SEED_CALL_COUNT requests.

    In verifying mode, also raise unless moto counted the same number of
    unauthenticated requests, so that the next request is the first one moto
    authenticates.
    """
    expected = moto_seed.SEED_CALL_COUNT
    if counter.count() != expected:
        raise RuntimeError(
            f"seeding sent {counter.count()} requests, expected {expected}; "
            "update SEED_STEPS so that each step sends exactly one request"
        )
    if mode == "verifying":
        from moto.core.authorization import ActionAuthenticatorMixin

        unauthenticated = ActionAuthenticatorMixin.request_count
        if unauthenticated != expected:
            raise RuntimeError(
                f"moto let {unauthenticated} requests through without "
                f"authentication, expected {expected}"
            )


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("verifying", "open"):
        sys.exit("usage: moto_launcher.py {verifying|open} PARENT_PID")
    mode = sys.argv[1]
    parent_pid = int(sys.argv[2])

    # moto reads this variable once, when moto.settings is first imported.
    if mode == "verifying":
        os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(moto_seed.SEED_CALL_COUNT)
    else:
        os.environ.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    threading.Thread(
        target=exit_when_parent_changes, args=(parent_pid,), daemon=True
    ).start()

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    # The same application that `python -m moto.server` runs.
    moto_app = DomainDispatcherApplication(create_backend_app)
    moto_app.debug = True
    counter = RequestCounter(moto_app)

    # Port 0 lets the kernel pick a free port, so parallel launchers never race.
    server = make_server(
        "127.0.0.1", 0, counter, threaded=True, request_handler=MotoRequestHandler
    )
    threading.Thread(
        target=seed_and_announce, args=(server, counter, mode), daemon=True
    ).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
