/* sha256.h - internal: SHA-256 digests through OpenSSL's EVP interface. */
#ifndef AMPEL_UTIL_SHA256_H
#define AMPEL_UTIL_SHA256_H

#include <stddef.h>

#include "ampel/error.h"

/* Hex digest (64 chars + NUL) of len bytes. */
ampel_status ampel_sha256_hex(const void *data, size_t len,
                              char out_hex[65]) AMPEL_WUR;

#endif
