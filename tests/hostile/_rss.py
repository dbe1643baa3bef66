"""Run a command and report its peak RSS: ``python -S -I _rss.py OUTFILE ARGV...``.

Linux keeps a process's peak RSS across execve (``signal->maxrss``), and a forked child starts from its parent's
resident size, so a child forked by a big test process reports that process's size. This launcher is small: the
command it forks starts from a few MB, and ``os.wait4`` gives the command's own peak. It writes the peak (kB) to
OUTFILE and exits with the command's exit status.
"""

import os
import sys

out, argv = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
