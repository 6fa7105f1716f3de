# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""sqlite3: a database file with a rollback journal, then WAL mode."""
import os
import sqlite3
import sys

os.chdir(sys.argv[1])
con = sqlite3.connect("t.db")
con.execute("create table t (x)")
con.executemany("insert into t values (?)", [(i,) for i in range(10)])
con.commit()
con.close()
con = sqlite3.connect(os.path.join(sys.argv[1], "w.db"))
con.execute("pragma journal_mode=wal")
con.execute("create table t (x)")
con.execute("insert into t values (1)")
con.commit()
assert con.execute("select count(*) from t").fetchone() == (1,)
con.close()
