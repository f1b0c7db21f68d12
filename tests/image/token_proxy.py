#!/usr/bin/env python3
"""A tiny token server + authenticating reverse proxy in front of a local
docker-registry, for nook's Bearer-auth tests.

GET /token?service=..&scope=..  needs HTTP Basic USER:PASS, returns {"token": ...}.
/v2/...                          needs "Authorization: Bearer <token>", else 401
                                 with a WWW-Authenticate Bearer challenge; then it
                                 is forwarded to the real registry.
Usage: token_proxy.py LISTEN_PORT UPSTREAM_PORT USER PASS PORTFILE
"""
import base64
import http.client
import http.server
import json
import sys

port, upstream, user, password, portfile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
TOKEN = "nook-test-token"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/token"):
            want = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
            if self.headers.get("Authorization") != want:
                return self.reply(401, b'{"details":"bad credentials"}')
            return self.reply(200, json.dumps({"token": TOKEN}).encode(),
                              {"Content-Type": "application/json"})
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            chal = f'Bearer realm="http://127.0.0.1:{port}/token",service="nook-test",scope="repository:x:pull"'
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"auth required"}]}',
                              {"WWW-Authenticate": chal, "Content-Type": "application/json"})
        conn = http.client.HTTPConnection("127.0.0.1", upstream)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("authorization", "host")}
        conn.request(self.command, self.path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        out = {k: v for k, v in r.getheaders() if k.lower() not in ("content-length", "transfer-encoding", "connection")}
        self.reply(r.status, data, out)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
with open(portfile, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
