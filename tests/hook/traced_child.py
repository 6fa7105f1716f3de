# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Run by tests/test_hook_safety.py with LD_PRELOAD=libpyxcheck.so:
    python traced_child.py BUILD_DIR SCENARIO
Turns the hook's traced path on without BPF by writing its own semaphores (far above what
another test's tracer adds or takes away, see traced(); the probe sites stay nops), then runs
SCENARIO and prints "key=value" lines. A Python audit hook counts the same events, so the C hook's
count of emitted payloads can be checked exactly: every event must reach a probe exactly once.
"""
import ctypes
import itertools
import os
import sys
import threading

BUILD = sys.argv[1]
sys.path.insert(0, BUILD)
import pyxcheck  # noqa: E402  (finds the preloaded state: no second hook)

lib = ctypes.CDLL(os.path.join(BUILD, "libpyxcheck.so"))  # the preloaded copy itself
sems = (ctypes.c_uint16 * 16).in_dll(lib, "pyxcheck_semaphores")
counter = itertools.count()  # next() is atomic under the GIL: exact across threads


def pyhook(event, args):
    next(counter)


sys.addaudithook(pyhook)
CALLS = []


class Hostile:
    def __repr__(self):
        CALLS.append("repr")
        raise RuntimeError("repr")

    def __str__(self):
        CALLS.append("str")
        raise RuntimeError("str")

    def __fspath__(self):
        CALLS.append("fspath")
        raise RuntimeError("fspath")

    def __eq__(self, other):
        CALLS.append("eq")
        raise RuntimeError("eq")

    __hash__ = None


def traced(on=True):
    # Far above 1: a monitor of another test attached to libpyxcheck.so by path (pid -1) adds 1
    # to each semaphore in every process that maps it, and takes 1 away when it detaches. Written
    # as 1, one such detach during the scenario turned the probes off under it (seen in CI with
    # -n 2: 7 of 4008 events not emitted); 0x4000 stays on whatever others attach or detach.
    for i in range(8):
        sems[i] = 0x4000 if on else 0


def pycount():
    return next(counter)  # itself one tick: callers subtract it


def measure(fn):
    e0, p0 = pyxcheck.events_emitted(), pycount()
    fn()
    e1, p1 = pyxcheck.events_emitted(), pycount()
    return e1 - e0, p1 - p0 - 1


def workload():
    for i in range(200):
        sys.audit("app.loop", i, "x" * 50, Hostile(), {"k": [Hostile()]}, b"\xff")
    with open(os.devnull, "rb") as f:
        f.read()
    compile("a = 1", "<traced>", "exec")
    exec("b = 2", {})
    import json  # noqa: F401  (an import event)


scenario = sys.argv[2]
traced()
if scenario == "basic":
    emitted, seen = measure(workload)
    print("emitted=%d pyhook=%d hostile_calls=%d" % (emitted, seen, len(CALLS)))
elif scenario == "exceptions":
    ok = []
    try:
        raise KeyError("in flight")
    except KeyError as e:
        sys.audit("app.inexcept", Hostile(), e)
        ok.append(sys.exc_info()[1] is e)
    try:
        try:
            raise ValueError("inner")
        finally:
            sys.audit("app.finally", Hostile())  # an exception is propagating here
    except ValueError as e:
        ok.append(str(e) == "inner")
    r = [sys.audit("app.ret", Hostile()) for _ in range(100)]
    print("preserved=%s returns=%s hostile_calls=%d" % (all(ok) and len(ok) == 2,
                                                         set(map(repr, r)), len(CALLS)))
elif scenario == "threads":
    def work():
        for i in range(500):
            sys.audit("app.thread", i, Hostile(), "y" * 100)
        open(os.devnull).close()

    def run():
        ts = [threading.Thread(target=work) for _ in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    emitted, seen = measure(run)
    sys.setswitchinterval(old)
    print("emitted=%d pyhook=%d hostile_calls=%d" % (emitted, seen, len(CALLS)))
elif scenario == "fork":
    # Relative counts: a tracer attached elsewhere on the machine may have set the semaphores
    # since start-up, so the absolute count is not known; the child's is (reset at fork).
    base = pyxcheck.events_emitted()
    for i in range(5):
        sys.audit("app.parent", i)
    before = pyxcheck.events_emitted() - base
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        # seq restarts in the child: the pthread_atfork child handler reset it.
        start = pyxcheck.events_emitted()
        for i in range(10):
            sys.audit("app.child", i)
        os.write(w, ("%d %d" % (start, pyxcheck.events_emitted())).encode())
        os._exit(0)
    os.close(w)
    child = os.read(r, 100).decode()
    os.waitpid(pid, 0)
    print("parent_before=%d child=%s" % (before, child))
elif scenario == "subinterp":
    import _testcapi
    out = os.path.join(sys.argv[3], "sub.txt")
    code = ("import sys; sys.path.insert(0, %r); import pyxcheck\n"
            "a = pyxcheck.events_emitted()\n"
            "for i in range(100): sys.audit('app.sub', i, object())\n"
            "b = pyxcheck.events_emitted()\n"
            "open(%r, 'w').write('%%s %%d' %% (pyxcheck.installed, b - a))\n" % (BUILD, out))
    rc = _testcapi.run_in_subinterp(code)
    legacy = open(out).read()
    isolated = "n/a"
    try:
        import _interpreters as xi  # 3.13
    except ImportError:
        try:
            import _xxsubinterpreters as xi  # 3.8-3.12
        except ImportError:
            xi = None
    if xi is not None and sys.version_info >= (3, 12):
        # Own GIL from 3.12: the hook runs concurrently with this interpreter's threads.
        interp = xi.create() if sys.version_info >= (3, 13) else xi.create(isolated=True)
        stop = []
        mains = []

        def main_events():
            while not stop:
                sys.audit("app.main", 1)
                mains.append(1)
        t = threading.Thread(target=main_events)
        t.start()
        xi.run_string(interp, code.replace("sub.txt", "iso.txt"))
        stop.append(1)
        t.join()
        xi.destroy(interp)
        # The counter is process-wide and this interpreter kept raising events meanwhile, so
        # the subinterpreter's window holds its 100 events plus some of ours, never fewer.
        installed, delta = open(os.path.join(sys.argv[3], "iso.txt")).read().split()
        isolated = "%s %s" % (installed, "100+" if 100 <= int(delta) <= 100 + len(mains)
                              else delta)
    print("rc=%d legacy=%s isolated=%s" % (rc, legacy, isolated))
elif scenario == "finalize":
    import atexit

    def late():
        sys.audit("app.atexit", Hostile())
        print("atexit ran", flush=True)
    atexit.register(late)
    t = threading.Thread(target=lambda: [sys.audit("app.daemon", i) for i in range(10**9)],
                         daemon=True)
    t.start()
    print("exiting", flush=True)
    sys.exit(5)
