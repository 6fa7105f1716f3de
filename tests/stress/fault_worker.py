# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A hooked Python driven line by line on stdin, for the fault tests.

Commands (one per line), each answered by one line on stdout:
  work N TAG   raise N events (open/close /dev/null and sys.audit("pyx.fault", TAG, i)),
               then answer "<events_seen> <events_emitted> <checksum>"
  quit         answer "bye <checksum>" and exit 0

events_seen/events_emitted are the hook's own counters (module pyxcheck, the same state as the
preloaded copy): emitted stops growing when no tracer is attached. checksum is plain arithmetic
over everything the worker did, so the test can tell the interpreter kept computing correctly.
"""
import sys

sys.path.insert(0, sys.argv[1])
import pyxcheck  # noqa: E402  (the build folder, given as argv[1])

checksum = 0
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "work":
        n, tag = int(cmd[1]), cmd[2]
        for i in range(n):
            with open("/dev/null", "rb") as f:
                f.read()
            sys.audit("pyx.fault", tag, i)
            checksum = (checksum * 31 + i) % 1000000007
        print(pyxcheck.events_seen(), pyxcheck.events_emitted(), checksum, flush=True)
    elif cmd[0] == "quit":
        print("bye", checksum, flush=True)
        break
