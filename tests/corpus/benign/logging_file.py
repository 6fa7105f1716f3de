# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""logging to a file, with a rotating handler that renames its files."""
import logging
import logging.handlers
import os
import sys

log = logging.getLogger("corpus")
log.setLevel(logging.INFO)
h = logging.handlers.RotatingFileHandler(os.path.join(sys.argv[1], "app.log"), maxBytes=200,
                                         backupCount=2)
log.addHandler(h)
for i in range(20):
    log.info("message number %d", i)
h.close()
