/* Fuzz target: the multipart/form-data parser of the uploads
 * (server/multipart.c). The input is a Content-Type value, a newline and
 * the body; the first byte picks the file limit. A crash, a sanitizer
 * report, a part outside the body, a broken limit or a refusal without a
 * reason is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  size_t max_files = data[0] % (SRV_MP_MAX_FILES + 2);
  data++;
  size--;
  const uint8_t *nl = memchr(data, '\n', size < 512 ? size : 512);
  if (!nl)
    return 0;
  size_t ctl = (size_t)(nl - data);
  char ct[513];
  memcpy(ct, data, ctl);
  ct[ctl] = '\0';
  size_t blen = size - ctl - 1;
  /* a heap copy of exactly the body, so reads past it are caught */
  char *body = malloc(blen ? blen : 1);
  if (!body)
    abort();
  memcpy(body, nl + 1, blen);
  char boundary[SRV_MP_MAX_BOUNDARY + 1];
  const char *why = NULL;
  if (srv_mp_boundary(ct, boundary, &why) != 0) {
    if (!why)
      abort();
    free(body);
    return 0;
  }
  size_t bl = strlen(boundary);
  if (bl < 1 || bl > SRV_MP_MAX_BOUNDARY)
    abort();
  static srv_multipart m;
  why = NULL;
  int st = srv_mp_parse(body, blen, boundary, max_files, &m, &why);
  if (st != 0 && st != 400 && st != 413)
    abort();
  if (st != 0 && !why)
    abort();
  if (st == 0) {
    size_t files = 0;
    if (m.n_parts > SRV_MP_MAX_PARTS)
      abort();
    for (size_t i = 0; i < m.n_parts; i++) {
      const srv_part *p = &m.parts[i];
      if (p->data < body || p->data + p->len > body + blen)
        abort();
      if (!p->name[0] || strlen(p->name) >= sizeof p->name ||
          strlen(p->filename) >= sizeof p->filename ||
          strchr(p->filename, '/') || strchr(p->filename, '\\'))
        abort();
      if (!p->is_file && p->len > SRV_MP_MAX_FIELD)
        abort();
      files += p->is_file != 0;
    }
    if (files != m.n_files || files > max_files)
      abort();
    char buf[64];
    (void)srv_mp_field(&m, "csrf", buf, sizeof buf);
  }
  free(body);
  return 0;
}
