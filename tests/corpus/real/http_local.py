# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""http.client to a local server in this script, by address (127.0.0.1) and by name (localhost)."""
import http.client
import http.server
import sys
import threading


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), H)
t = threading.Thread(target=srv.serve_forever)
t.start()
port = srv.server_address[1]
for host in ("127.0.0.1", "localhost"):
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("GET", "/")
    assert c.getresponse().read() == b"ok"
    c.close()
srv.shutdown()
t.join()
srv.server_close()
sys.argv[1]
