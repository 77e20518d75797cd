/* output.c - how the program writes its output files (issue 16):
 *
 *  - never onto the database or one of its side files: every option that
 *    names a file to write (type AMPEL_OT_FILE: -o, --tree,
 *    --sensitivity-out) is checked before the command runs
 *    (cli_check_outputs, ampel_store_owns_path);
 *  - through a new temporary file beside the target, made by mkstemp
 *    (O_CREAT|O_EXCL, an unpredictable name, mode 0600 until written): a
 *    symbolic link planted at any name is never followed. The data is
 *    written, flushed and fsync'd, the file gets the mode the target had
 *    (or 0666 less the umask), is renamed over the target (an atomic
 *    replace: readers see the old or the new file, never a part) and the
 *    directory is fsync'd. On any failure the temporary file is removed
 *    and the target stays as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The mode a new output file gets: the target's, else 0666 less umask. */
static mode_t target_mode(const char *path) {
  struct stat sb;
  if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
    return sb.st_mode & 07777;
  mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

/* "<dir>/.<name>.XXXXXX<suffix>" for path; caller frees. */
static char *temp_template(const char *path, const char *suffix) {
  const char *slash = strrchr(path, '/');
  size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
  size_t n = strlen(path) + strlen(suffix) + 16;
  char *t = malloc(n);
  if (t)
    snprintf(t, n, "%.*s.%s.XXXXXX%s", (int)dir, path, path + dir, suffix);
  return t;
}

/* Creates the temporary file of o (suffix kept at the end of its name);
 * returns its descriptor or -1 after printing the problem. */
static int make_temp(cli_out *o, const char *suffix) {
  o->tmp = temp_template(o->path, suffix);
  if (!o->tmp) {
    cli_error("'%s' kann nicht geschrieben werden: zu wenig Speicher", o->path);
    return -1;
  }
  int fd = mkstemps(o->tmp, (int)strlen(suffix));
  if (fd < 0) {
    cli_error("'%s' kann nicht geschrieben werden: %s", o->path,
              strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return -1;
  }
  if (fchmod(fd, target_mode(o->path)) != 0) {
    cli_error("'%s' kann nicht geschrieben werden: %s", o->path,
              strerror(errno));
    close(fd);
    unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return -1;
  }
  return fd;
}

int cli_out_open(cli_out *o, const char *path) {
  memset(o, 0, sizeof *o);
  o->path = path;
  if (strcmp(path, "-") == 0) {
    o->f = stdout;
    return EXIT_OK;
  }
  int fd = make_temp(o, "");
  if (fd < 0)
    return EXIT_SYSTEM;
  o->f = fdopen(fd, "wb");
  if (!o->f) {
    cli_error("'%s' kann nicht geschrieben werden: %s", path, strerror(errno));
    close(fd);
    unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return EXIT_SYSTEM;
  }
  return EXIT_OK;
}

int cli_out_reserve(cli_out *o, const char *path, const char *suffix) {
  memset(o, 0, sizeof *o);
  o->path = path;
  int fd = make_temp(o, suffix);
  if (fd < 0)
    return EXIT_SYSTEM;
  close(fd);
  return EXIT_OK;
}

/* fsync of the directory holding path (the rename's entry); best effort:
 * some file systems refuse it and the data is already safe then. */
static void sync_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1,
           slash ? path : ".");
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

/* Makes the written temporary file durable and renames it over the
 * target; returns 0 or an errno value. */
static int commit(cli_out *o) {
  int err = 0;
  if (o->f) {
    if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
      err = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !err)
      err = errno ? errno : EIO;
    o->f = NULL;
  } else { /* reserved: written by someone else under o->tmp */
    int fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0)
      err = errno ? errno : EIO;
    if (fd >= 0)
      close(fd);
  }
  if (!err && rename(o->tmp, o->path) != 0)
    err = errno;
  if (!err)
    sync_dir(o->path);
  return err;
}

int cli_out_close(cli_out *o, int ok) {
  int rc = EXIT_OK;
  if (!o->tmp) { /* stdout */
    if (o->f && fflush(o->f) != 0) {
      cli_error("Ausgabe schreiben: %s", strerror(errno));
      rc = EXIT_SYSTEM;
    }
    o->f = NULL;
    return ok ? rc : EXIT_SYSTEM;
  }
  if (ok) {
    errno = 0;
    int err = commit(o);
    if (err) {
      cli_error("'%s' schreiben: %s", o->path, strerror(err));
      rc = EXIT_SYSTEM;
    }
  } else {
    rc = EXIT_SYSTEM;
  }
  if (o->f)
    fclose(o->f);
  o->f = NULL;
  if (rc != EXIT_OK || !ok)
    unlink(o->tmp); /* after a rename the name is gone: nothing happens */
  free(o->tmp);
  o->tmp = NULL;
  return rc;
}

int cli_write_output(const char *path, const char *data, size_t len) {
  cli_out o;
  int rc = cli_out_open(&o, path);
  if (rc != EXIT_OK)
    return rc;
  int ok = fwrite(data, 1, len, o.f) == len;
  if (!ok)
    cli_error("'%s' schreiben: %s", path, strerror(errno));
  return cli_out_close(&o, ok);
}

int cli_check_outputs(const cli_call *call) {
  const char *db = cli_db_path(call->common);
  for (size_t i = 0; i < call->cmd->n_ids; i++) {
    const ampel_opt_def *d = ampel_opt_get(call->cmd->ids[i]);
    const char *path = ampel_query_text(&call->q, d->id);
    if (d->type != AMPEL_OT_FILE || !ampel_query_given(&call->q, d->id) ||
        !path || strcmp(path, "-") == 0 || !ampel_store_owns_path(db, path))
      continue;
    char opt[64];
    if (d->short_name)
      snprintf(opt, sizeof opt, "-%c", d->short_name);
    else
      snprintf(opt, sizeof opt, "--%s", d->name);
    cli_error("%s '%s' ist die Datenbank '%s' oder eine ihrer Begleitdateien "
              "(-wal, -shm, -journal) und wird nicht überschrieben; bitte "
              "eine andere Ausgabedatei angeben",
              opt, path, db);
    return EXIT_DATA;
  }
  return EXIT_OK;
}
