#!/usr/bin/env python3
"""A local Web Push endpoint for the tests: a stand-in for a browser's push
service and the device behind it. It makes a device key pair and an auth
secret (RFC 8291) and prints, as the first line of stdout, the
subscription as a browser gives it:
    {"endpoint": "http://127.0.0.1:<port>/push/1", "keys": {"p256dh": …, "auth": …}}
Each POST it gets is checked and decrypted with implementations that are
not the relay's: the VAPID JWT (RFC 8292) verified with `cryptography`
against the key in the header, the body decrypted with `http_ece`
(aes128gcm); the outcome is written to DIR as <n>.json, with the status
it answered. Answers 201, or what --answers says, as a push service in
trouble does:

    push-sink.py --dir DIR [--answers 503,503]

--answers: the statuses of the first requests, in order (503: try again
later; 404 or 410: this subscription is gone); the rest are answered 201.
"""

import argparse
import base64
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_vapid(header, origin):
    """The claims of a valid `vapid t=…, k=…` header for `origin`, or an error."""
    if not header.startswith("vapid "):
        return {"error": "not a vapid authorization: " + header[:20]}
    parts = dict(p.strip().split("=", 1) for p in header[len("vapid "):].split(","))
    token, key = parts["t"], parts["k"]
    signing_input, _, signature = token.rpartition(".")
    raw = unb64(signature)
    if len(raw) != 64:
        return {"error": "signature is not 64 bytes"}
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
    try:
        public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return {"error": "bad signature"}
    header_json = json.loads(unb64(signing_input.split(".")[0]))
    claims = json.loads(unb64(signing_input.split(".")[1]))
    if header_json.get("alg") != "ES256":
        return {"error": "alg is not ES256"}
    if claims.get("aud") != origin:
        return {"error": f"aud {claims.get('aud')} is not {origin}"}
    if not (time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600):
        return {"error": "exp is not within 24 hours"}
    return {"ok": True, "claims": claims, "key": key}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--answers", default="")
    args = parser.parse_args()
    answers = [int(a) for a in args.answers.split(",") if a.strip()]
    os.makedirs(args.dir, exist_ok=True)
    device = ec.generate_private_key(ec.SECP256R1())
    device_public = device.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)
    count = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            record = {
                "path": self.path,
                "content_encoding": self.headers.get("Content-Encoding"),
                "ttl": self.headers.get("TTL"),
                "vapid": check_vapid(self.headers.get("Authorization", ""), origin),
            }
            try:
                plain = http_ece.decrypt(body, private_key=device, auth_secret=auth, version="aes128gcm")
                record["payload"] = plain.decode("utf-8")
            except Exception as error:
                record["decrypt_error"] = repr(error)
            with lock:
                status = answers[count[0]] if count[0] < len(answers) else 201
                count[0] += 1
                path = os.path.join(args.dir, f"{count[0]:04}.json")
            record["status"] = status
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False)
            os.replace(path + ".tmp", path)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({
        "endpoint": f"http://127.0.0.1:{port}/push/1",
        "keys": {"p256dh": b64(device_public), "auth": b64(auth)},
    }), flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
