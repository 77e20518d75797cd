/* The library allocator (alloc.h). The hook is process-wide configuration,
 * installed before use, like sqlite3_config(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"

static void *sys_alloc(size_t size, void *ud) {
  (void)ud;
  return malloc(size ? size : 1);
}
static void *sys_realloc(void *ptr, size_t size, void *ud) {
  (void)ud;
  return realloc(ptr, size ? size : 1);
}
static void sys_free(void *ptr, void *ud) {
  (void)ud;
  free(ptr);
}

static const ampel_allocator sys_allocator = {sys_alloc, sys_realloc,
                                              sys_free, NULL};
static ampel_allocator current = {sys_alloc, sys_realloc, sys_free, NULL};

void ampel_set_allocator(const ampel_allocator *a) {
  current = a ? *a : sys_allocator;
}

void *ampel_alloc(size_t size) { return current.alloc(size, current.ud); }

void *ampel_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  void *p = ampel_alloc(n * size);
  if (p)
    memset(p, 0, n * size);
  return p;
}

void *ampel_realloc(void *ptr, size_t size) {
  if (!ptr)
    return ampel_alloc(size);
  return current.realloc(ptr, size, current.ud);
}

void *ampel_reallocarray(void *ptr, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  return ampel_realloc(ptr, n * size);
}

void ampel_free(void *ptr) {
  if (ptr)
    current.free(ptr, current.ud);
}

char *ampel_strndup(const char *s, size_t n) {
  if (!s)
    return NULL;
  char *p = ampel_alloc(n + 1);
  if (!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *ampel_strdup(const char *s) {
  return s ? ampel_strndup(s, strlen(s)) : NULL;
}
