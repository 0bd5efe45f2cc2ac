#!/usr/bin/python3
"""A real SMTP server on loopback for the mail tests (Debian's python3-aiosmtpd).

Every message it accepts is written to DIR as N.eml (the bytes received) and
N.json (what Python's email package reads from them: decoded headers, the
text and HTML bodies, their charsets and transfer encodings).

Recipients whose local part starts with "reject" get a 550 reply, "busy" a
451. With --user and --password it offers AUTH (without TLS, loopback only).
It prints "PORT <n>" once listening and stops when its stdin closes.
"""
import argparse
import email
import email.policy
import json
import os
import socket
import logging
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    """Accepts every message and only counts it: for benchmarks."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


class Handler:
    def __init__(self, directory):
        self.directory = directory
        # A server restarted on the same directory numbers on after what it kept.
        self.count = 0
        while os.path.exists(os.path.join(directory, "%d.json" % (self.count + 1))):
            self.count += 1

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("busy"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        old = email.message_from_bytes(raw, policy=email.policy.compat32)

        def part(kind):
            p = msg.get_body(preferencelist=(kind,))
            if p is None or p.get_content_type() != "text/" + kind:
                return None
            return {
                "content": p.get_content(),
                "charset": p.get_content_charset(),
                "transfer_encoding": p.get("Content-Transfer-Encoding", ""),
            }

        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth": session.authenticated,
            "peer": list(session.peer) if session.peer else None,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "reply_to": str(msg["Reply-To"]) if msg["Reply-To"] else None,
            "subject": str(msg["Subject"]),
            "raw_subject": str(old["Subject"]),
            "raw_from": str(old["From"]),
            "message_id": str(msg["Message-ID"]) if msg["Message-ID"] else None,
            "date": str(msg["Date"]) if msg["Date"] else None,
            "mime_version": str(msg["MIME-Version"]) if msg["MIME-Version"] else None,
            "list_unsubscribe": str(msg["List-Unsubscribe"]) if msg["List-Unsubscribe"] else None,
            "list_unsubscribe_post": str(msg["List-Unsubscribe-Post"]) if msg["List-Unsubscribe-Post"] else None,
            "content_type": msg.get_content_type(),
            "text": part("plain"),
            "html": part("html"),
            "defects": [str(d) for d in msg.defects],
        }
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted"


def main():
    # aiosmtpd logs a warning about its own use of Session.login_data on every AUTH.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=".")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--sink", action="store_true", help="only count messages (benchmarks); prints COUNT <n> at exit")
    ap.add_argument("--port", type=int, default=0, help="listen here (a restart on the same port); 0 picks one")
    args = ap.parse_args()

    port = args.port
    if not port:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]

    kwargs = {}
    if args.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
            return AuthResult(success=ok, handled=False)
        kwargs = {"authenticator": authenticator, "auth_require_tls": False}

    handler = Sink() if args.sink else Handler(args.dir)
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("PORT %d" % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()
        if args.sink:
            print("COUNT %d" % handler.count, flush=True)


if __name__ == "__main__":
    main()
