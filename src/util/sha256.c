/* SHA-256 via OpenSSL (a well-kept library; no hand-written hashing). */
#include <openssl/evp.h>
#include <stdio.h>

#include "util/sha256.h"

ampel_status ampel_sha256_hex(const void *data, size_t len,
                              char out_hex[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
    return AMPEL_E_INTERNAL;
  static const char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < 32; i++) {
    out_hex[2 * i] = hex[md[i] >> 4];
    out_hex[2 * i + 1] = hex[md[i] & 15];
  }
  out_hex[64] = '\0';
  return AMPEL_OK;
}
