/*
 * Every file of ours that uses libre includes this first: Debian's
 * pkg-config flags for libre lack the feature macros its headers test,
 * and without HAVE_STDBOOL_H its 'bool' is a signed char.
 */
#ifndef SIPSH_RE_BASE_H
#define SIPSH_RE_BASE_H

#ifndef HAVE_STDBOOL_H
#define HAVE_STDBOOL_H 1
#endif
#ifndef HAVE_INTTYPES_H
#define HAVE_INTTYPES_H 1
#endif
#ifndef HAVE_INET6
#define HAVE_INET6 1
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <re.h>

#endif
