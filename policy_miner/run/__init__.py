"""Running extraction over a corpus: parallel, streaming, resumable, local or on Dask.

``run_corpus`` is the entry point (``policy-miner extract`` calls it). Modules, one job each:
``worker`` (one file -> its records; what every engine runs), ``engines`` (serial, process
pool, Dask; outcomes in corpus order), ``store`` (staging, journal, resume, publishing),
``progress`` (bar or periodic lines), ``report`` (report.json and the closing summary),
``runner`` (ties them together).
"""
from .engines import ENGINES, EngineError
from .report import RunReport
from .runner import auto_jobs, run_corpus
from .store import RunError
from .worker import Settings

__all__ = ["ENGINES", "EngineError", "RunError", "RunReport", "Settings", "auto_jobs", "run_corpus"]
