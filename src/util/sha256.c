/* SHA-256 via OpenSSL (a well-kept library; no hand-written hashing). */
#include <openssl/evp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/sha256.h"

static void to_hex(const unsigned char md[32], char out_hex[65]) {
  static const char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < 32; i++) {
    out_hex[2 * i] = hex[md[i] >> 4];
    out_hex[2 * i + 1] = hex[md[i] & 15];
  }
  out_hex[64] = '\0';
}

ampel_status ampel_sha256_hex(const void *data, size_t len,
                              char out_hex[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
    return AMPEL_E_INTERNAL;
  to_hex(md, out_hex);
  return AMPEL_OK;
}

ampel_status ampel_sha256_hex_mapped(const void *map, size_t len,
                                     char out_hex[65]) {
  const size_t chunk = (size_t)32 << 20; /* a multiple of every page size */
  EVP_MD_CTX *x = EVP_MD_CTX_new();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  int ok = x && EVP_DigestInit_ex(x, EVP_sha256(), NULL);
  for (size_t off = 0; ok && off < len; off += chunk) {
    size_t n = len - off < chunk ? len - off : chunk;
    ok = EVP_DigestUpdate(x, (const char *)map + off, n);
    if (ok && n == chunk) /* hashed: the pages may go */
      madvise((char *)map + off, n, MADV_DONTNEED);
  }
  ok = ok && EVP_DigestFinal_ex(x, md, &md_len) && md_len == 32;
  EVP_MD_CTX_free(x);
  if (!ok)
    return AMPEL_E_INTERNAL;
  to_hex(md, out_hex);
  return AMPEL_OK;
}
