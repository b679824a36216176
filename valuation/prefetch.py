"""Run a generator one step ahead on a second thread, so that reading and computing overlap."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


def prefetch(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Yield the items of ``items``, produced on a second thread at most ``depth`` ahead of the consumer.

    Worth it when producing (reading a file, work in Arrow or DuckDB, which release the GIL) and consuming take
    comparable time. An exception in the producer is raised in the consumer at the item where it happened; when
    the consumer stops early (an exception, ``break``), the producer is stopped and joined before this returns.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put((None, exc))
            return
        put((_DONE, None))

    worker = threading.Thread(target=produce, name="socialroi-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = q.get()
            if exc is not None:
                raise exc
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        worker.join()
