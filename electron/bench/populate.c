/* The host's own limit for preallocation: fault in and zero SIZE bytes of one kind of memory
 * with THREADS threads, through the same kernel path QEMU 7.2+ uses (madvise
 * MADV_POPULATE_WRITE on per-thread chunks), and say which page size the kernel gave.
 *
 *   populate KIND SIZE THREADS      KIND: anon-thp | anon-4k | memfd | hugetlb-2M | hugetlb-1G
 *
 * Prints one JSON line: {"ns":..,"rss":..,"anonHuge":..,"hugetlb":..}. Built by Numadesk's
 * benchmark with the system C compiler; nothing binary is committed. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif
#define MFD_HUGE_SHIFT 26

struct job { char *start; size_t len; int err; };

static void *work(void *arg) {
  struct job *j = arg;
  if (j->len && madvise(j->start, j->len, MADV_POPULATE_WRITE) != 0) j->err = errno;
  return NULL;
}

static long long field(const char *name) {
  FILE *f = fopen("/proc/self/smaps_rollup", "r");
  char line[256];
  long long total = 0, v;
  size_t n = strlen(name);
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, name, n) == 0 && line[n] == ':' && sscanf(line + n + 1, "%lld", &v) == 1) total += v * 1024;
  fclose(f);
  return total;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: populate KIND SIZE THREADS\n"); return 2; }
  const char *kind = argv[1];
  size_t size = strtoull(argv[2], NULL, 10);
  int threads = atoi(argv[3]);
  size_t page = 4096;
  char *mem;
  if (threads < 1 || size == 0) { fprintf(stderr, "bad size or thread count\n"); return 2; }
  if (strncmp(kind, "anon", 4) == 0) {
    mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) { perror("mmap"); return 1; }
    /* QEMU's ram backend asks for transparent huge pages on anonymous guest RAM */
    madvise(mem, size, strcmp(kind, "anon-thp") == 0 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    if (strcmp(kind, "anon-thp") == 0) page = 2 << 20;
  } else {
    unsigned flags = 0;
    if (strcmp(kind, "hugetlb-2M") == 0) { flags = MFD_HUGETLB | (21U << MFD_HUGE_SHIFT); page = 2 << 20; }
    else if (strcmp(kind, "hugetlb-1G") == 0) { flags = MFD_HUGETLB | (30U << MFD_HUGE_SHIFT); page = 1 << 30; }
    else if (strcmp(kind, "memfd") != 0) { fprintf(stderr, "unknown kind %s\n", kind); return 2; }
    int fd = memfd_create("numadesk-populate", flags);
    if (fd < 0 || ftruncate(fd, size) != 0) { perror("memfd"); return 1; }
    mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mem == MAP_FAILED) { perror("mmap"); return 1; }
  }
  size_t pages = size / page, per = pages / threads, extra = pages % threads, off = 0;
  pthread_t *tid = calloc(threads, sizeof *tid);
  struct job *jobs = calloc(threads, sizeof *jobs);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < threads; i++) {
    size_t n = (per + ((size_t)i < extra)) * page;
    jobs[i].start = mem + off;
    jobs[i].len = n;
    off += n;
    pthread_create(&tid[i], NULL, work, &jobs[i]);
  }
  for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  for (int i = 0; i < threads; i++)
    if (jobs[i].err) { fprintf(stderr, "MADV_POPULATE_WRITE: %s\n", strerror(jobs[i].err)); return 1; }
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("{\"ns\":%lld,\"rss\":%lld,\"anonHuge\":%lld,\"hugetlb\":%lld}\n", ns, field("Rss"), field("AnonHugePages"),
         field("Shared_Hugetlb") + field("Private_Hugetlb"));
  return 0;
}
