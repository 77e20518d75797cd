/* ampel/alloc.h - the library's allocator.
 *
 * All allocation in libampel goes through these functions. A program may
 * install its own allocator once, before it makes any other library call
 * (like sqlite3_config); tests use this to fail the Nth allocation and check
 * that every error path cleans up. This is the one piece of process-wide
 * configuration in the library; it is not meant to change while the library
 * is in use.
 */
#ifndef AMPEL_ALLOC_H
#define AMPEL_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_allocator {
  void *(*alloc)(size_t size, void *ud);
  void *(*realloc)(void *ptr, size_t size, void *ud);
  void (*free)(void *ptr, void *ud);
  void *ud;
} ampel_allocator;

/* Install an allocator; NULL restores malloc/realloc/free. */
void ampel_set_allocator(const ampel_allocator *a);

/* malloc/realloc/free through the installed allocator. ampel_alloc(0)
 * returns a valid pointer. ampel_free(NULL) does nothing. */
void *ampel_alloc(size_t size);
void *ampel_calloc(size_t n, size_t size); /* zeroed; checks overflow */
void *ampel_realloc(void *ptr, size_t size);
void *ampel_reallocarray(void *ptr, size_t n, size_t size); /* checks n*size */
void ampel_free(void *ptr);

/* Copies of strings; caller frees with ampel_free(). NULL in, NULL out. */
char *ampel_strdup(const char *s);
char *ampel_strndup(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
