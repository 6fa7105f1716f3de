# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Readers of pyxcheck's JSON Lines (docs/json-schema.md, schema 2).

Schema 2 writes argument values as typed objects ({"str": "r"}, {"int": 3}, {"sym": "O_RDONLY",
"raw": 0}, ...) so that a field path has one JSON type in every record. Most tests ask "which path
did open() get": plain() gives them the bare value back.
"""


def plain_py(v):
    """A Python value of an audit record's args, typed ({"str": ...}), as a bare JSON value:
    str, int (also from "bigint"), float, bool, None, list (tuple and list), {"bytes": s} and
    {"bytearray": s} kept (to tell them from str), a dict with str keys as an object and other
    dicts as {"dict": [[k, v], ...]}, objects as {"object": type, "attrs": {...}}."""
    if v is None or not isinstance(v, dict) or len(v) != 1:
        return v
    (k, x), = v.items()
    if k in ("str", "int", "float", "bool"):
        return x
    if k == "bigint":
        return int(x)
    if k == "float_str":
        return {"float": x}
    if k in ("tuple", "list"):
        return [plain_py(i) for i in x]
    if k == "dict":
        pairs = [(plain_py(p["key"]), plain_py(p["value"])) for p in x]
        if all(isinstance(a, str) for a, _ in pairs):
            return dict(pairs)
        return {"dict": [[a, b] for a, b in pairs]}
    if k == "object":
        return {"object": x["type"], "attrs": {n: plain_py(a) for n, a in x["attrs"].items()}}
    return v  # bytes, bytearray, truncated


def plain_sys(v):
    """A syscall argument, typed ({"path": ...}, {"sym": ..., "raw": ...}), as a bare value: ints
    as int, symbolic values as their text, paths and strings as str, a sockaddr as its object,
    argv as a list, open_how {"flags", "mode", "resolve"}, clone_args {"flags", "exit_signal"},
    rlimit {"cur", "max"} as ints; {"fault": ...} kept."""
    if v is None or not isinstance(v, dict):
        return v
    if "sym" in v:
        return v["sym"]
    if len(v) != 1:
        return v
    (k, x), = v.items()
    if k in ("int", "ptr", "hex", "path", "str", "bytes", "sockaddr", "argv"):
        return x
    if k == "uint":
        return int(x)
    if k == "open_how":
        return {"flags": x["flags"], "mode": x["mode"], "resolve": plain_sys(x["resolve"])}
    if k == "clone_args":
        return {"flags": x["flags"], "exit_signal": x["exit_signal"]}
    if k == "rlimit":
        return {"cur": int(x["cur"]), "max": int(x["max"])}
    return v  # fault


def plain(rec):
    """A record with its args (and its paired syscalls' args) as bare values (a copy); anything
    that is not a record is returned as it is."""
    if not isinstance(rec, dict):
        return rec
    rec = dict(rec)
    a = rec.get("args")
    if rec.get("type") == "audit" and a is not None:
        rec["args"] = ({n: plain_py(x) for n, x in a.items()} if isinstance(a, dict)
                       else [plain_py(x) for x in a])
    elif rec.get("type") == "syscall" and isinstance(a, dict):
        rec["args"] = {n: plain_sys(x) for n, x in a.items()}
    if isinstance(rec.get("syscalls"), list):
        rec["syscalls"] = [dict(s, args={n: plain_sys(x) for n, x in s["args"].items()})
                           if isinstance(s.get("args"), dict) else s for s in rec["syscalls"]]
    return rec


def types(rec, path="", out=None):
    """{field path: set of JSON types} of one record, as a document store maps it: an array is
    transparent (its elements are mapped at the array's own path, as Elasticsearch does) and
    null stands for no value (it fits every mapping)."""
    if out is None:
        out = {}
    if isinstance(rec, list):
        for x in rec:
            types(x, path, out)
        return out
    if rec is None:
        return out
    t = ("object" if isinstance(rec, dict) else "boolean" if isinstance(rec, bool)
         else "integer" if isinstance(rec, int) else "float" if isinstance(rec, float)
         else "string")
    out.setdefault(path, set()).add(t)
    if isinstance(rec, dict):
        for k, v in rec.items():
            types(v, f"{path}.{k}" if path else k, out)
    return out
