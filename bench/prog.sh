#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# One real program of bench/programs.py, timed from the inside: prog.sh KIND DIR runs it and
# writes "START END" (CLOCK_REALTIME ns) to $PYXBENCH_STAMP, so the program's own time can be told
# apart from a tracer's start and exit. With PYXBENCH_AUDITLOG=FILE the Python program runs under
# bench/audithook.py FILE (the audit-hook logger configuration).
# KIND: pip (install DIR/pyxbench_demo-*.whl into the venv DIR/venv), pytest (DIR/test_demo.py),
# stdlib (python3 -m test test_tempfile test_shutil test_zipfile), startup (import-heavy).
kind=$1
dir=$2
here=$(dirname "$0")
py=/usr/bin/python3
[ "$kind" = pip ] && py=$dir/venv/bin/python3
set -- "$py" -I
[ -n "$PYXBENCH_AUDITLOG" ] && set -- "$@" "$here/audithook.py" "$PYXBENCH_AUDITLOG"
t0=$(date +%s%N)
case $kind in
pip)
	PIP_DISABLE_PIP_VERSION_CHECK=1 "$@" -m pip install -q --no-index --no-deps \
		--force-reinstall --no-cache-dir "$dir"/pyxbench_demo-1.0-py3-none-any.whl
	;;
pytest)
	"$@" -m pytest -q -p no:cacheprovider -p no:xdist "$dir/test_demo.py" >/dev/null
	;;
stdlib)
	"$@" -m test test_tempfile test_shutil test_zipfile >/dev/null 2>&1
	;;
startup)
	"$@" -c "import json, email.message, http.client, asyncio, decimal, argparse, logging, \
unittest, xml.etree.ElementTree, sqlite3, csv, tarfile, zipfile, ssl"
	;;
*)
	echo "prog.sh: unknown kind $kind" >&2
	exit 2
	;;
esac
rc=$?
t1=$(date +%s%N)
[ -n "$PYXBENCH_STAMP" ] && echo "$t0 $t1" > "$PYXBENCH_STAMP"
exit $rc
