#!/usr/bin/env python3
"""A local SMTP server for the tests (aiosmtpd, from PyPI): every message it
accepts is written to DIR as <n>.json, parsed by Python's own e-mail
package: envelope sender and recipients, subject, Message-ID, the text, and
each attachment (a text/calendar one also parsed with the `icalendar`
package, so the test knows an independent reader can read it).

    smtp-sink.py --dir DIR [--fail-first N] [--hold-first SECONDS] [--port P]

Prints the port it listens on as the first line of stdout. With
--fail-first N the first N messages are answered "451" (try again later),
as a busy server does. With --hold-first S the first message it accepts is
written to DIR at once but answered "250" only S seconds later: a test can
stop the sender in the window between the server taking a message and the
sender hearing so. Runs until killed or until stdin closes.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import socket
import sys
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def calendar_summary(text):
    try:
        import icalendar
    except ImportError:
        return {"error": "icalendar is not installed"}
    try:
        calendar = icalendar.Calendar.from_ical(text)
        events = [c for c in calendar.walk() if c.name == "VEVENT"]
        event = events[0]
        return {
            "events": len(events),
            "uid": str(event.get("UID")),
            "summary": str(event.get("SUMMARY")),
            "location": str(event.get("LOCATION", "")),
            "dtstart": event.decoded("DTSTART").isoformat(),
            "tzid": str(event.get("DTSTART").params.get("TZID", "")),
        }
    except Exception as error:  # what the test reports as "does not parse"
        return {"error": repr(error)}


class Sink:
    def __init__(self, directory, fail_first, hold_first=0.0):
        self.directory = directory
        self.fail_first = fail_first
        self.hold_first = hold_first
        self.count = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.fail_first:
            self.refused += 1
            return "451 4.3.0 Prova igen senare"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = ""
        attachments = []
        for part in message.walk():
            if part.is_multipart():
                continue
            if part.get_content_disposition() == "attachment":
                content = part.get_content()
                if isinstance(content, bytes):
                    content = content.decode("utf-8", "replace")
                entry = {"content_type": part.get_content_type(), "filename": part.get_filename(), "text": content}
                if part.get_content_type() == "text/calendar":
                    entry["calendar"] = calendar_summary(content)
                attachments.append(entry)
            elif part.get_content_type() == "text/plain":
                text += part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "text": text,
            "attachments": attachments,
            "raw": envelope.content.decode("utf-8", "replace"),
        }
        self.count += 1
        path = os.path.join(self.directory, f"{self.count:04}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=1)
        os.replace(path + ".tmp", path)
        if self.count == 1 and self.hold_first > 0:
            await asyncio.sleep(self.hold_first)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--hold-first", type=float, default=0.0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port()
    controller = Controller(Sink(args.dir, args.fail_first, args.hold_first), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    # Until stdin closes (the test that started it ended) or a signal.
    done = threading.Event()

    def watch_stdin():
        try:
            sys.stdin.read()
        finally:
            done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    controller.stop()


if __name__ == "__main__":
    main()
