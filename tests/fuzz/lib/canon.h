/*
 * The check the value-type targets share (fuzz_value, fuzz_pem): text a
 * type accepts has a canonical form the type accepts again, unchanged.
 */
#ifndef FUZZ_CANON_H
#define FUZZ_CANON_H

#include <stddef.h>
#include <stdint.h>

struct setting;

/* Parses size bytes of data as a value of s; abort()s if an accepted
 * value's canonical form does not parse back to itself. */
void fuzz_canon(const struct setting *s, const uint8_t *data, size_t size);

#endif
