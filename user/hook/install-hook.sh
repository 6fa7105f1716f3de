#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# install-hook.sh install|uninstall PYTHON LIBPYXCHECK
#
# Writes (or removes) in PYTHON's site-packages (sysconfig platlib) pyxcheck.pth, which imports
# pyxcheck at every start-up through site, and pyxcheck<EXT_SUFFIX>, a symlink to LIBPYXCHECK.
set -eu

action=${1:-}
python=${2:-}
lib=${3:-}

die() {
	echo "install-hook: $*" >&2
	exit 1
}

[ -n "$action" ] && [ -n "$python" ] || die "usage: $0 install|uninstall PYTHON LIBPYXCHECK"
command -v "$python" >/dev/null 2>&1 || die "PYTHON=$python: no such program"

# One line "platlib<TAB>ext_suffix" from the interpreter itself; anything else is not a CPython 3.
# site must run (no -I/-S): it is what makes a venv's prefix, and so its platlib, the venv's.
info=$("$python" -E -s -c 'import sys, sysconfig
if sys.version_info < (3, 8): sys.exit("audit hooks need CPython >= 3.8")
print(sysconfig.get_paths()["platlib"] + "\t" + sysconfig.get_config_var("EXT_SUFFIX"))' 2>&1) ||
	die "PYTHON=$python is not a usable Python 3.8+: $info"
platlib=$(printf '%s' "$info" | cut -f1)
suffix=$(printf '%s' "$info" | cut -f2)
[ -n "$platlib" ] && [ -n "$suffix" ] || die "PYTHON=$python: cannot read platlib/EXT_SUFFIX"
[ -d "$platlib" ] || die "PYTHON=$python has no site-packages directory ($platlib does not exist)"

pth="$platlib/pyxcheck.pth"
ext="$platlib/pyxcheck$suffix"

case "$action" in
install)
	[ -f "$lib" ] || die "$lib is missing: run make first"
	abs=$(readlink -f "$lib")
	printf 'import pyxcheck\n' >"$pth"
	ln -sfn "$abs" "$ext"
	echo "install-hook: $pth -> import pyxcheck; $ext -> $abs"
	;;
uninstall)
	rm -f "$pth"
	[ -L "$ext" ] && rm -f "$ext"
	echo "install-hook: removed $pth and $ext"
	;;
*)
	die "unknown action '$action' (install or uninstall)"
	;;
esac
