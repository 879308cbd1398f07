#!/usr/bin/python3
"""A second AMQP client for test/pika.test.ts: reads a queue with pika and prints, as one JSON
document on stdout, every message exactly as pika decoded it.

Every decoded value is described as {"type": <Python type name>, ...}: str and int as "value",
bytes as "hex", list as "items", dict as "entries" ([{"key": ..., "value": ...}], keys
described too), None as {"type": "NoneType"}, anything else as "repr". Nothing is converted
first, so the test sees what a Python consumer would see (pika decodes an AMQP long string as
str when its bytes are valid UTF-8, else leaves it bytes).

    pika_consume.py --check
        prints {"python": ..., "pika": ...}; exit 3 when pika cannot be imported.
    pika_consume.py --url URL --queue Q [--expect N] [--wait-s S]
        basic_get (auto-ack) until the queue is empty and N messages were read, or S seconds
        have passed (default 3), then one more basic_get to see whether anything is left.
        Exits by itself: exit 0 with the JSON, 2 on an AMQP/connection error (message on
        stderr), 3 when pika is missing.

Only the test's own connection is used; nothing else on the broker is touched.
"""

import argparse
import json
import sys
import time

try:
    import pika
except ImportError as err:  # the test reports this (and fails under CI)
    print(f"pika is not importable by {sys.executable}: {err}", file=sys.stderr)
    sys.exit(3)

PROPERTIES = (
    "content_type",
    "content_encoding",
    "headers",
    "delivery_mode",
    "priority",
    "correlation_id",
    "reply_to",
    "expiration",
    "message_id",
    "timestamp",
    "type",
    "user_id",
    "app_id",
    "cluster_id",
)


def describe(value):
    """The value as pika decoded it: its exact Python type name, and the value."""
    name = type(value).__name__
    if value is None:
        return {"type": name}
    if isinstance(value, bool):
        return {"type": name, "value": value}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"type": name, "hex": bytes(value).hex()}
    if isinstance(value, str):
        return {"type": name, "value": value}
    if isinstance(value, int):
        return {"type": name, "value": value}
    if isinstance(value, (list, tuple)):
        return {"type": name, "items": [describe(v) for v in value]}
    if isinstance(value, dict):
        return {"type": name, "entries": [{"key": describe(k), "value": describe(v)} for k, v in value.items()]}
    return {"type": name, "repr": repr(value)}


def message(method, properties, body):
    return {
        "method": {
            "exchange": describe(method.exchange),
            "routing_key": describe(method.routing_key),
            "redelivered": describe(method.redelivered),
        },
        "properties": {name: describe(getattr(properties, name, None)) for name in PROPERTIES},
        "body": describe(body),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--url")
    parser.add_argument("--queue")
    parser.add_argument("--expect", type=int, default=0)
    parser.add_argument("--wait-s", type=float, default=3.0)
    args = parser.parse_args()

    versions = {"python": sys.version.split()[0], "pika": pika.__version__}
    if args.check:
        print(json.dumps(versions))
        return 0
    if not args.url or not args.queue:
        parser.error("--url and --queue are required")

    params = pika.URLParameters(args.url)
    params.connection_attempts = 1
    params.socket_timeout = 3
    params.stack_timeout = 5
    params.blocked_connection_timeout = 3
    params.client_properties = {"connection_name": "amqp-gen test/pika.test.ts"}

    started = time.monotonic()
    deadline = started + args.wait_s
    messages = []
    try:
        connection = pika.BlockingConnection(params)
        try:
            channel = connection.channel()
            while True:
                method, properties, body = channel.basic_get(args.queue, auto_ack=True)
                if method is not None:
                    messages.append(message(method, properties, body))
                    continue
                if len(messages) >= args.expect or time.monotonic() >= deadline:
                    break
                connection.sleep(0.05)
            # Whatever is still there (none expected) is left in the queue; the test purges it.
            ok, _, _ = channel.basic_get(args.queue, auto_ack=False)
            left = ok is not None
            if left:
                channel.basic_nack(ok.delivery_tag, requeue=True)
        finally:
            connection.close()
    except pika.exceptions.AMQPError as err:
        print(f"pika: {type(err).__name__}: {err!r}", file=sys.stderr)
        return 2

    out = dict(versions, queue=args.queue, left=left, ms=round((time.monotonic() - started) * 1000), messages=messages)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
