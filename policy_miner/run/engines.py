"""Engines: run ``worker.process`` over tasks and yield the outcomes in task order.

- ``local`` with one job runs in this process (no start-up cost; tests and small corpora);
- ``local`` with N jobs uses a ``concurrent.futures`` process pool, each worker building its
  pipeline once (the pool initializer), so N documents are extracted at a time. Workers are
  forked from a server that has already imported the pipeline's libraries, so they share those
  pages and skip the import;
- ``dask`` submits the same function to a Dask cluster: a ``LocalCluster`` of N single-threaded
  worker processes by default, or the scheduler at ``--scheduler ADDRESS``. Dask's workers
  must see the corpus at the same paths (a shared file system) and have policy-miner installed.

Both send documents to workers in batches (``batch_size``): the parent, which also writes every
record, shares the machine with the workers, and each message costs it a pickle, a pipe write
and a wake-up. Whatever the engine, outcomes come back in task order, so the outputs are the
same for any number of jobs; and at most a small window of batches is in flight, so memory
stays flat however large the corpus. A local worker that dies (a crash or the OOM killer)
breaks the pool: the tasks in flight are then re-run one at a time in a fresh pool, so only
the document that kills a worker on its own is failed, and the run goes on.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from typing import TYPE_CHECKING

from threadpoolctl import threadpool_limits

from .worker import FAILED, Outcome, Settings, Task, process, worker_extractor

if TYPE_CHECKING:  # the pipeline is imported where it is built, never by a run's parent process
    from ..pipeline import Extractor

ENGINES = ("local", "dask")
TASKS_PER_WORKER = 4
"""Messages (batches of tasks) kept in flight per worker: enough that no worker waits for the
writer, few enough that a slow document holds back only a handful of finished ones."""
MAX_BATCH = 16
"""Most documents sent to a pool worker in one message: enough to make the parent's cost per
message negligible (a few milliseconds of work per document), few enough to keep order."""


def batch_size(files: int, jobs: int) -> int:
    """Documents per message to a pool worker: one for a small corpus, so its few documents
    still spread over every worker; up to ``MAX_BATCH`` when each worker gets many."""
    return max(1, min(MAX_BATCH, files // (jobs * TASKS_PER_WORKER * 4)))


def outcomes(tasks: Iterable[Task], settings: Settings, jobs: int = 1, engine: str = "local",
             scheduler: str | None = None, extractor: Extractor | None = None, files: int = 0) -> Iterator[Outcome]:
    """The outcome of every task, in task order.

    ``extractor`` is used by a one-job local run only (the caller's pipeline, already loaded).
    ``files`` (how many tasks there are, if known) sizes the batches sent to pool workers.
    """
    if engine == "dask":
        return _dask(tasks, settings, jobs, scheduler, files)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if jobs <= 1:
        return (process(task, settings, extractor) for task in tasks)
    return _pool(process, tasks, settings, jobs, batch_size=batch_size(files, jobs))


def _in_order(submit: Callable[[list[Task]], Future], batches: Iterable[list[Task]],
              window: int) -> Iterator[tuple[list[Task], Future]]:
    """Submit batches ahead of the consumer, at most ``window`` in flight; yield them in order."""
    pending: deque[tuple[list[Task], Future]] = deque()
    for batch in batches:
        pending.append((batch, submit(batch)))
        if len(pending) >= window:
            yield pending.popleft()
    while pending:
        yield pending.popleft()


class EngineError(Exception):
    """The engine itself cannot run (workers that cannot start), as opposed to a bad document."""


def _alive() -> bool:
    """A no-op task: its result proves a new pool's workers started."""
    return True


def _crashed(task: Task, error: BaseException) -> Outcome:
    return Outcome(task.index, task.doc_id, task.path, FAILED, f"worker process died ({type(error).__name__})")


def _warm(segmenter: str, pkuseg_model: str | None) -> None:
    """Worker start: one BLAS thread, then build the pipeline before the first document arrives.

    Parallelism comes from the workers; a BLAS pool per worker (scikit-learn fits and
    predictions) would only make N workers fight over the same cores.
    """
    threadpool_limits(1)
    worker_extractor(segmenter, pkuseg_model)


Work = Callable[[Task, Settings], Outcome]


def _batches(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    source = iter(tasks)
    while batch := list(itertools.islice(source, size)):
        yield batch


def _run_batch(work: Work, tasks: list[Task], settings: Settings) -> list[Outcome]:
    """What a pool worker runs: ``work`` over several tasks, sent and returned as one message."""
    return [work(task, settings) for task in tasks]


def _pool(work: Work, tasks: Iterable[Task], settings: Settings, jobs: int,
          initializer: Callable[[str, str | None], None] | None = None, batch_size: int = 1) -> Iterator[Outcome]:
    """Outcomes of ``work`` over tasks in a process pool (``initializer`` default: ``_warm``).

    Tasks travel ``batch_size`` at a time: every message through the pool costs the parent a
    pickle, a pipe write and a wake-up, and the parent shares the cores with the workers.
    """
    # forkserver, not fork: the parent may run threads (progress bar), and forking a threaded
    # process can deadlock its children. The server imports the pipeline once, so each worker
    # starts from a fork of it instead of importing spaCy and scikit-learn again.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["policy_miner.pipeline"])

    def new_pool() -> ProcessPoolExecutor:
        """A pool whose workers have started (and built their pipelines), or EngineError."""
        pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer or _warm,
                                   initargs=(settings.segmenter, settings.pkuseg_model))
        try:
            # One no-op per worker: the pool starts workers as tasks arrive, so this starts (and
            # warms) all of them together instead of the second one only when work piles up.
            for started in [pool.submit(_alive) for _ in range(jobs)]:
                started.result()
        except BrokenProcessPool as error:
            pool.shutdown(wait=True)
            raise EngineError("worker processes die as they start (see the messages above); "
                              "try --jobs 1") from error
        return pool

    def submit(batch: list[Task]) -> Future:
        try:
            return pool.submit(_run_batch, work, batch, settings)
        except BrokenProcessPool as error:  # broke since the last result: handled like one
            broken: Future = Future()
            broken.set_exception(error)
            return broken

    pool = new_pool()
    source = _batches(tasks, batch_size)
    pending: deque[tuple[list[Task], Future]] = deque()
    try:
        while True:
            while len(pending) < jobs * TASKS_PER_WORKER and (batch := next(source, None)) is not None:
                pending.append((batch, submit(batch)))
            if not pending:
                return
            future = pending[0][1]
            try:
                results = future.result()
            except BrokenProcessPool:
                broken = list(pending)
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = new_pool()
                for batch, future in broken:
                    if future.done() and not future.cancelled() and future.exception() is None:
                        yield from future.result()
                        continue
                    for task in batch:  # alone in a pool that started: if it breaks now, this document is the cause
                        try:
                            yield from submit([task]).result()
                        except BrokenProcessPool as error:
                            yield _crashed(task, error)
                            pool.shutdown(wait=True)
                            pool = new_pool()
                continue
            pending.popleft()
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(tasks: Iterable[Task], settings: Settings, jobs: int, scheduler: str | None, files: int,
          work: Work = process, initializer: Callable[[str, str | None], None] | None = None) -> Iterator[Outcome]:
    """Outcomes of ``work`` over tasks on a Dask cluster, sent in batches like ``_pool``'s.

    A batch that fails as a whole (a worker killed under it) is re-run one task at a time, so
    only the document that fails on its own is reported failed.
    """
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(
                n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster))
        client.run(initializer or _warm, settings.segmenter, settings.pkuseg_model)
        threads = max(1, sum(client.nthreads().values()))
        batches = _batches(tasks, batch_size(files, threads))

        def submit(batch: list[Task]) -> Future:
            return client.submit(_run_batch, work, batch, settings, pure=False)

        for batch, future in _in_order(submit, batches, threads * TASKS_PER_WORKER):
            try:
                yield from future.result()
            except Exception:  # KilledWorker and the like: find the document, fail only it
                for task in batch:
                    try:
                        yield client.submit(work, task, settings, pure=False).result()
                    except Exception as error:
                        yield _crashed(task, error)
