/* sha256.h - internal: SHA-256 digests through OpenSSL's EVP interface. */
#ifndef AMPEL_UTIL_SHA256_H
#define AMPEL_UTIL_SHA256_H

#include <stddef.h>

#include "ampel/error.h"

/* Hex digest (64 chars + NUL) of len bytes. */
ampel_status ampel_sha256_hex(const void *data, size_t len,
                              char out_hex[65]) AMPEL_WUR;

/* The same for a read-only private file mapping (import of a large file):
 * hashes it in 32 MiB pieces and drops each piece from the process once
 * hashed (MADV_DONTNEED; a later read faults it in from the file again),
 * so that hashing does not hold the whole file in memory. Never for heap
 * memory: MADV_DONTNEED would zero it. */
ampel_status ampel_sha256_hex_mapped(const void *map, size_t len,
                                     char out_hex[65]) AMPEL_WUR;

#endif
