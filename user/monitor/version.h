/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef PYX_VERSION_H
#define PYX_VERSION_H

#ifndef PYX_VERSION
#define PYX_VERSION "0.1.0"
#endif

#endif /* PYX_VERSION_H */
