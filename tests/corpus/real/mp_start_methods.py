# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""multiprocessing with every start method (fork, spawn, forkserver), a Pool, a Lock (glibc
sem_open) and a ProcessPoolExecutor."""
import concurrent.futures
import multiprocessing as mp
import sys


def square(x):
    return x * x


def main():
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        lock = ctx.Lock()
        with lock:
            pass
        q = ctx.Queue()
        p = ctx.Process(target=q.put, args=(method,))
        p.start()
        assert q.get(timeout=60) == method
        p.join()
        with ctx.Pool(2) as pool:
            assert pool.map(square, range(4)) == [0, 1, 4, 9]
    with concurrent.futures.ProcessPoolExecutor(2) as ex:
        assert list(ex.map(square, range(4))) == [0, 1, 4, 9]


if __name__ == "__main__":
    sys.argv[1]  # the work directory, unused
    main()
