# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""sqlite3: a URI filename (uri=True, percent-encoded, as 3.13's dbm.sqlite3 passes), a WAL
database, and a sort and an index too big for the cache, which sqlite spills to its own temp files
(/var/tmp/etilqs_HEX, opened O_EXCL and unlinked at once, no audit event); on 3.13, shelve, whose
default backend is dbm.sqlite3 then."""
import os
import sys

# sqlite takes $SQLITE_TMPDIR or $TMPDIR before /var/tmp (os_unix.c unixTempFileInit()): the
# temp files of this test are the default ones
os.environ.pop("SQLITE_TMPDIR", None)
os.environ.pop("TMPDIR", None)

import shelve  # noqa: E402
import sqlite3  # noqa: E402
import urllib.parse  # noqa: E402

root = sys.argv[1]
db = os.path.join(root, "a b.db")
con = sqlite3.connect("file:" + urllib.parse.quote(db) + "?mode=rwc", uri=True)
con.execute("pragma journal_mode=wal")
con.execute("pragma cache_size=10")
con.execute("pragma temp_store=file")
con.execute("create table t(x, y)")
con.executemany("insert into t values (?, ?)", ((i, "x" * 200) for i in range(5000)))
con.commit()
assert len(con.execute("select * from t order by y, x desc").fetchall()) == 5000
con.execute("create index i on t(y, x)")
con.commit()
con.close()
# before 3.13 shelve's default is dbm.gnu or dbm.ndbm, whose C libraries open and rename their
# files with no audit event (docs/correlation.md, "Known limits"): only dbm.sqlite3 here
if sys.version_info >= (3, 13):
    with shelve.open(os.path.join(root, "shelf")) as s:
        s["k"] = [1, 2]
    with shelve.open(os.path.join(root, "shelf")) as s:
        assert s["k"] == [1, 2]
