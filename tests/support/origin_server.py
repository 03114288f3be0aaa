"""tools/demo_origin.py on a port this process binds (0: the system picks one), announced
with the real port: `[demo-origin] serving ROOT on http://127.0.0.1:PORT`.

    python tests/support/origin_server.py --port 0 [--root examples/site]
"""

import argparse
import importlib.util
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    spec = importlib.util.spec_from_file_location("demo_origin", ROOT / "tools" / "demo_origin.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--root", default=str(ROOT / "examples" / "site"))
    args = parser.parse_args()
    demo.Handler.root = Path(args.root).resolve()
    server = ThreadingHTTPServer((args.ip, args.port), demo.Handler)
    ip, port = server.server_address[:2]
    print(f"[demo-origin] serving {demo.Handler.root} on http://{ip}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
