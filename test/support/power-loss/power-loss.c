/*
 * Power-loss shim for the crash tests, loaded with LD_PRELOAD into the kiosk writer.
 *
 * A SIGKILL keeps every write() the process made: they sit in the kernel's page cache and reach
 * the disk later. A power cut does not: what was written after the last fsync()/fdatasync() of a
 * file may be lost. This shim records, for every file under $POWER_LOSS_DIR, the bytes each write
 * or truncate is about to replace (an undo journal in $POWER_LOSS_JOURNAL, appended before the
 * real call) and marks each fsync/fdatasync. After the writer is killed, the test replays the
 * journal backwards to put every file back to its state at its last sync, or to a state part-way
 * through the writes after it (test/support/power-loss.ts): that is the power cut.
 *
 * Journal records (native byte order), appended with one write() each while holding a lock, so
 * their order is the order of the real calls:
 *   'W' u32 pathLen, path, i64 offset, i64 sizeBefore, u32 n, n bytes that were at offset
 *   'T' u32 pathLen, path, i64 newSize, i64 sizeBefore, u32 n, n bytes cut off (newSize..)
 *   'S' u32 pathLen, path, i64 mark   (fsync or fdatasync returned 0: every record for this
 *                                      file that starts before journal byte `mark` is durable)
 * Files whose name ends in "-shm" are not recorded: SQLite rebuilds its shared-memory index
 * after a crash, and the test deletes it at the power cut.
 * Not modelled: directory entries (creating, renaming or deleting a file is taken as durable).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 4096

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char dir[PATH_MAX];
static size_t dir_len;
static int journal = -1;
/* Bytes appended to the journal so far. */
static int64_t journal_bytes;
/* Per fd: 0 not looked at yet, 1 recorded (path below), 2 not recorded. */
static unsigned char fd_state[MAX_FDS];
static char *fd_path[MAX_FDS];

__attribute__((constructor)) static void init(void) {
  real_write = dlsym(RTLD_NEXT, "write");
  real_pwrite = dlsym(RTLD_NEXT, "pwrite");
  real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
  real_writev = dlsym(RTLD_NEXT, "writev");
  real_pwritev = dlsym(RTLD_NEXT, "pwritev");
  real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
  real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
  real_fsync = dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
  real_close = dlsym(RTLD_NEXT, "close");
  const char *d = getenv("POWER_LOSS_DIR");
  const char *j = getenv("POWER_LOSS_JOURNAL");
  if (d == NULL || j == NULL || strlen(d) + 2 >= sizeof dir) return;
  strcpy(dir, d);
  dir_len = strlen(dir);
  if (dir_len > 0 && dir[dir_len - 1] != '/') {
    dir[dir_len++] = '/';
    dir[dir_len] = 0;
  }
  journal = open(j, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (journal < 0) {
    fprintf(stderr, "power-loss shim: cannot open journal %s: %s\n", j, strerror(errno));
    abort();
  }
}

/* Caller holds the lock. The recorded path of fd, or NULL. */
static const char *tracked(int fd) {
  if (journal < 0 || fd < 0 || fd >= MAX_FDS || fd == journal) return NULL;
  if (fd_state[fd] == 0) {
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    fd_state[fd] = 2;
    if (n > 0) {
      target[n] = 0;
      size_t len = (size_t)n;
      int is_shm = len > 4 && strcmp(target + len - 4, "-shm") == 0;
      if (len > dir_len && strncmp(target, dir, dir_len) == 0 && !is_shm) {
        fd_path[fd] = strdup(target);
        fd_state[fd] = 1;
      }
    }
  }
  return fd_state[fd] == 1 ? fd_path[fd] : NULL;
}

static void append_all(const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = real_write(journal, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      fprintf(stderr, "power-loss shim: journal write failed: %s\n", strerror(errno));
      abort();
    }
    p += w;
    n -= (size_t)w;
    journal_bytes += w;
  }
}

/* One record in one buffer, so a kill never leaves half of it followed by the real write. */
static void record(char type, const char *path, int64_t a, int64_t b, int fd, int64_t from, uint32_t n) {
  uint32_t plen = (uint32_t)strlen(path);
  size_t size = 1 + 4 + plen + 8 + (type == 'S' ? 0 : 8 + 4 + n);
  char *buf = malloc(size);
  if (buf == NULL) abort();
  char *p = buf;
  *p++ = type;
  memcpy(p, &plen, 4), p += 4;
  memcpy(p, path, plen), p += plen;
  memcpy(p, &a, 8), p += 8;
  if (type != 'S') {
    memcpy(p, &b, 8), p += 8;
    uint32_t got = 0;
    while (got < n) {
      ssize_t r = pread(fd, p + 4 + got, n - got, (off_t)(from + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += (uint32_t)r;
    }
    memcpy(p, &got, 4), p += 4 + got;
    size = (size_t)(p - buf);
  }
  append_all(buf, size);
  free(buf);
}

static int64_t size_of(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Before `n` bytes go to `fd` at `offset` (-1: the current position or the end with O_APPEND). */
static void before_write(const char *path, int fd, int64_t offset, size_t n) {
  int64_t size = size_of(fd);
  if (offset < 0) offset = (fcntl(fd, F_GETFL) & O_APPEND) ? size : (int64_t)lseek(fd, 0, SEEK_CUR);
  int64_t end = offset + (int64_t)n;
  int64_t keep_end = end < size ? end : size;
  uint32_t old = keep_end > offset ? (uint32_t)(keep_end - offset) : 0;
  record('W', path, offset, size, fd, offset, old);
}

static size_t iov_len(const struct iovec *iov, int count) {
  size_t n = 0;
  for (int i = 0; i < count; i++) n += iov[i].iov_len;
  return n;
}

ssize_t write(int fd, const void *buf, size_t n) {
  pthread_mutex_lock(&lock);
  const char *path = tracked(fd);
  if (path) before_write(path, fd, -1, n);
  ssize_t r = real_write(fd, buf, n);
  pthread_mutex_unlock(&lock);
  return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset) {
  pthread_mutex_lock(&lock);
  const char *path = tracked(fd);
  if (path) before_write(path, fd, offset, n);
  ssize_t r = real_pwrite(fd, buf, n, offset);
  pthread_mutex_unlock(&lock);
  return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t offset) {
  pthread_mutex_lock(&lock);
  const char *path = tracked(fd);
  if (path) before_write(path, fd, offset, n);
  ssize_t r = real_pwrite64(fd, buf, n, offset);
  pthread_mutex_unlock(&lock);
  return r;
}

ssize_t writev(int fd, const struct iovec *iov, int count) {
  pthread_mutex_lock(&lock);
  const char *path = tracked(fd);
  if (path) before_write(path, fd, -1, iov_len(iov, count));
  ssize_t r = real_writev(fd, iov, count);
  pthread_mutex_unlock(&lock);
  return r;
}

ssize_t pwritev(int fd, const struct iovec *iov, int count, off_t offset) {
  pthread_mutex_lock(&lock);
  const char *path = tracked(fd);
  if (path) before_write(path, fd, offset, iov_len(iov, count));
  ssize_t r = real_pwritev(fd, iov, count, offset);
  pthread_mutex_unlock(&lock);
  return r;
}

static int truncate_with(int (*real)(int, off_t), int fd, off_t length) {
  pthread_mutex_lock(&lock);
  const char *path = tracked(fd);
  if (path) {
    int64_t size = size_of(fd);
    uint32_t cut = size > (int64_t)length ? (uint32_t)(size - (int64_t)length) : 0;
    record('T', path, (int64_t)length, size, fd, (int64_t)length, cut);
  }
  int r = real(fd, length);
  pthread_mutex_unlock(&lock);
  return r;
}

int ftruncate(int fd, off_t length) { return truncate_with(real_ftruncate, fd, length); }
int ftruncate64(int fd, off_t length) { return truncate_with(real_ftruncate64, fd, length); }

/* The sync makes durable what was written before it was called: the record says up to where. */
static int sync_with(int (*real)(int), int fd) {
  pthread_mutex_lock(&lock);
  int64_t mark = journal_bytes;
  pthread_mutex_unlock(&lock);
  int r = real(fd);
  if (r == 0) {
    pthread_mutex_lock(&lock);
    const char *path = tracked(fd);
    if (path) record('S', path, mark, 0, fd, 0, 0);
    pthread_mutex_unlock(&lock);
  }
  return r;
}

int fsync(int fd) { return sync_with(real_fsync, fd); }
int fdatasync(int fd) { return sync_with(real_fdatasync, fd); }

int close(int fd) {
  pthread_mutex_lock(&lock);
  if (fd >= 0 && fd < MAX_FDS) {
    free(fd_path[fd]);
    fd_path[fd] = NULL;
    fd_state[fd] = 0;
  }
  pthread_mutex_unlock(&lock);
  return real_close(fd);
}
