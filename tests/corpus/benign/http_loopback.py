# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""http.server serving a urllib client over loopback, server in a thread."""
import http.server
import os
import sys
import threading
import urllib.request

root = sys.argv[1]
with open(os.path.join(root, "index.txt"), "w") as f:
    f.write("hello\n")


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
t = threading.Thread(target=srv.serve_forever)
t.start()
url = "http://127.0.0.1:%d/index.txt" % srv.server_address[1]
with urllib.request.urlopen(url, timeout=30) as r:
    assert r.read() == b"hello\n"
srv.shutdown()
srv.server_close()
t.join()
