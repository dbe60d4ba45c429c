"""Run the sandbox portal by hand: ``python -m core.sandbox.bitrix24 [--port N] [--cert-dir DIR]``."""

from __future__ import annotations

import argparse
import tempfile
import time

from .server import Bitrix24Sandbox


def main() -> None:
    parser = argparse.ArgumentParser(description="Offline Bitrix24 REST sandbox (HTTPS, private CA)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert-dir", default=None, help="where ca.pem/server.pem go (default: a temp dir)")
    parser.add_argument("--code", default=None, help="webhook code (default: random)")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    cert_dir = args.cert_dir or tempfile.mkdtemp(prefix="b24-sandbox-")
    sandbox = Bitrix24Sandbox(port=args.port, cert_dir=cert_dir, code=args.code, seed=not args.no_seed)
    sandbox.start()
    print(f"webhook: {sandbox.webhook_url}\nCA file: {sandbox.ca_file}\nCtrl+C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sandbox.stop()


if __name__ == "__main__":
    main()
