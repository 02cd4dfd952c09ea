/* Numadesk lab: runs one preallocation job inside the lab guest and reports on the serial
 * console, one line per fact, in the format documented in docs/lab-protocol.md:
 *
 *   NUMADESK-LAB BEGIN <label>
 *   NUMADESK-LAB A <tid> <cpus_allowed_list> <name>     when a thread is first seen
 *   NUMADESK-LAB T <ms> <tid> <cpu> <state> <ran_us> <name>   every sample
 *   NUMADESK-LAB G <ms>                                  QMP greeting: preallocation done
 *   NUMADESK-LAB M <node> <memfree_kb>                   each node's free memory at that moment
 *   NUMADESK-LAB E <ms> <exit_code>                      QEMU exited
 *   NUMADESK-LAB ERR <text>
 *
 * Usage: labsampler JOBFILE, where JOBFILE holds the label, the sampling rate in Hz, the QMP
 * socket path, then QEMU's argv, one word per line. Built statically by Numadesk (gcc -static)
 * from this file; nothing binary is committed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 512
#define MAX_TASKS 1024

struct task { int tid; char name[32]; int settled; long long run_ns; int announced; int seen; };
static struct task tasks[MAX_TASKS];
static int ntasks;

static double now_ms(struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static int read_file(const char *path, char *buf, int size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  int n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return n;
}

static struct task *find_task(int tid) {
  for (int i = 0; i < ntasks; i++)
    if (tasks[i].tid == tid) return &tasks[i];
  if (ntasks == MAX_TASKS) return NULL;
  struct task *t = &tasks[ntasks++];
  memset(t, 0, sizeof *t);
  t->tid = tid;
  t->run_ns = -1;
  return t;
}

static int wanted(const char *name, int tid, int pid) {
  return strcmp(name, "touch_pages") == 0 || strncmp(name, "TC ", 3) == 0 || tid == pid;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: labsampler JOBFILE\n"); return 2; }
  static char job[65536];
  if (read_file(argv[1], job, sizeof job) < 0) { printf("NUMADESK-LAB ERR cannot read %s\n", argv[1]); return 1; }
  char *lines[MAX_ARGS + 3];
  int n = 0;
  for (char *p = strtok(job, "\n"); p && n < MAX_ARGS + 3; p = strtok(NULL, "\n")) lines[n++] = p;
  if (n < 4) { printf("NUMADESK-LAB ERR job file too short\n"); return 1; }
  const char *label = lines[0];
  int rate = atoi(lines[1]);
  const char *sock = lines[2];
  char **args = &lines[3];
  args[n - 3] = NULL;
  if (rate < 1 || rate > 2000) rate = 100;
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("NUMADESK-LAB BEGIN %s\n", label);

  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    execv(args[0], args);
    _exit(127);
  }
  if (pid < 0) { printf("NUMADESK-LAB ERR fork: %s\n", strerror(errno)); return 1; }

  int qmp = -1, greeted = 0, done = 0;
  char qbuf[4096];
  int qlen = 0;
  long period_ns = 1000000000L / rate;
  char path[128], buf[8192];
  while (!done) {
    double t = now_ms(&t0);
    /* threads */
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d))) {
        int tid = atoi(e->d_name);
        if (tid <= 0) continue;
        struct task *tk = find_task(tid);
        if (!tk) continue;
        if (!tk->settled) {
          snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tid);
          if (read_file(path, buf, sizeof buf) > 0) {
            buf[strcspn(buf, "\n")] = 0;
            snprintf(tk->name, sizeof tk->name, "%.31s", buf);
            /* a new thread carries its creator's name until it names itself: a worker made by
             * the thread-context starts as "TC <id>", the main thread as labsampler, then QEMU */
            tk->settled = ++tk->seen > 2 && strncmp(buf, "qemu-system", 11) != 0 && strcmp(buf, "labsampler") != 0 && strncmp(buf, "TC ", 3) != 0;
          }
        }
        if (!wanted(tk->name, tid, pid)) continue;
        if (!tk->announced && (strcmp(tk->name, "touch_pages") == 0 || strncmp(tk->name, "TC ", 3) == 0)) {
          snprintf(path, sizeof path, "/proc/%d/task/%d/status", pid, tid);
          if (read_file(path, buf, sizeof buf) > 0) {
            char *c = strstr(buf, "Cpus_allowed_list:");
            if (c) {
              c += strlen("Cpus_allowed_list:");
              while (*c == ' ' || *c == '\t') c++;
              c[strcspn(c, "\n")] = 0;
              printf("NUMADESK-LAB A %d %s %s\n", tid, c, tk->name);
              tk->announced = 1;
            }
          }
        }
        snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
        if (read_file(path, buf, sizeof buf) <= 0) continue;
        char *close_paren = strrchr(buf, ')');
        if (!close_paren) continue;
        char state = close_paren[2];
        int field = 3, cpu = -1;
        for (char *p = close_paren + 2; *p; p++)
          if (*p == ' ' && ++field == 39) { cpu = atoi(p + 1); break; }
        long long ran_us = 0;
        snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", pid, tid);
        if (read_file(path, buf, sizeof buf) > 0) {
          long long ns = atoll(buf);
          if (tk->run_ns >= 0) ran_us = (ns - tk->run_ns) / 1000;
          tk->run_ns = ns;
        }
        printf("NUMADESK-LAB T %.2f %d %d %c %lld %s\n", t, tid, cpu, state, ran_us, tk->name);
      }
      closedir(d);
    }
    /* QMP: connect, wait for the greeting, then quit */
    if (qmp < 0 && !greeted) {
      int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
      struct sockaddr_un a = { .sun_family = AF_UNIX };
      snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
      if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) qmp = s;
      else close(s);
    }
    if (qmp >= 0 && !greeted) {
      int r = read(qmp, qbuf + qlen, sizeof qbuf - 1 - qlen);
      if (r > 0) {
        qlen += r;
        qbuf[qlen] = 0;
        if (strstr(qbuf, "\"QMP\"")) {
          greeted = 1;
          printf("NUMADESK-LAB G %.2f\n", now_ms(&t0));
          for (int node = 0; node < 64; node++) {
            snprintf(path, sizeof path, "/sys/devices/system/node/node%d/meminfo", node);
            if (read_file(path, buf, sizeof buf) <= 0) continue;
            char *m = strstr(buf, "MemFree:");
            if (m) printf("NUMADESK-LAB M %d %lld\n", node, atoll(m + 8));
          }
          const char *cmds = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n";
          if (write(qmp, cmds, strlen(cmds)) < 0) kill(-pid, SIGKILL);
        }
      }
    }
    int status;
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      printf("NUMADESK-LAB E %.2f %d\n", now_ms(&t0), WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
      done = 1;
      break;
    }
    if (now_ms(&t0) > 300000) {
      printf("NUMADESK-LAB ERR timeout\n");
      kill(-pid, SIGKILL);
    }
    struct timespec sl = { 0, period_ns };
    nanosleep(&sl, NULL);
  }
  return 0;
}
