"""gunicorn settings of the stand-in: the log line the real image's gunicorn writes.

Debian's gunicorn 20.1 logs a worker ended by a signal as a WARNING "Worker with pid N was
terminated due to signal 9". The gunicorn the real images install (23 and later) logs it as an
ERROR "Worker (pid:N) was sent SIGKILL! Perhaps out of memory?" (SIGKILL is what the kernel's
OOM killer sends). Both then boot another worker. This filter rewrites the old line into the new
one, so the stand-in's log reads like the real image's.
"""

import logging
import re
import signal

OLD_LINE = re.compile(r"^Worker with pid (\d+) was terminated due to signal (\d+)$")


class SignalledWorkerLine(logging.Filter):
    def filter(self, record):
        match = OLD_LINE.match(record.getMessage())
        if match:
            pid, number = match.group(1), int(match.group(2))
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"code {number}"
            hint = " Perhaps out of memory?" if number == signal.SIGKILL else ""
            record.msg, record.args = f"Worker (pid:{pid}) was sent {name}!{hint}", ()
            record.levelno, record.levelname = logging.ERROR, "ERROR"
        return True


def on_starting(server):
    server.log.error_log.addFilter(SignalledWorkerLine())
