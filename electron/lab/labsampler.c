/* Numadesk lab: runs one preallocation job inside the lab guest and reports on the serial
 * console, one line per fact, in the format documented in docs/lab-protocol.md:
 *
 *   NUMADESK-LAB BEGIN <label>
 *   NUMADESK-LAB A <tid> <cpus_allowed_list> <name>     when a thread is first seen
 *   NUMADESK-LAB T <ms> <tid> <cpu> <state> <ran_us> <name>   every sample
 *   NUMADESK-LAB G <ms>                                  QMP greeting: preallocation done
 *   NUMADESK-LAB M <node> <memfree_kb>                   each node's free memory at that moment
 *   NUMADESK-LAB PE <text>                               a pin that could not be set
 *   NUMADESK-LAB PS <status>                             QEMU's status when the pins were set
 *   NUMADESK-LAB P <tid> <main> <cpus_allowed_list> <name>   every thread, read back after pinning
 *   NUMADESK-LAB E <ms> <exit_code>                      QEMU exited
 *   NUMADESK-LAB ERR <text>
 *
 * Usage: labsampler JOBFILE, where JOBFILE holds the label, the sampling rate in Hz, the QMP
 * socket path, then QEMU's argv, one word per line. Beside it, JOBFILE with ".pins" for ".job"
 * (optional) holds the pins, one "<cpulist> <thread name>" per line: "-" for a thread the design
 * leaves alone, the name "*" for the emulator's set (every other thread but thread-contexts and
 * touch_pages). With pins, QEMU (started with -S) is pinned once its machine exists, then
 * continued and read back, as a host run does (electron/qemu/launch.ts). Built statically by Numadesk (gcc -static)
 * from this file; nothing binary is committed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
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

/* ---- pinning ---- */
#define MAX_PINS 600
struct pin { char name[32]; char cpus[256]; };
static struct pin pins[MAX_PINS];
static int npins;

static void read_pins(const char *jobfile) {
  char path[512];
  snprintf(path, sizeof path, "%s", jobfile);
  char *dot = strrchr(path, '.');
  if (!dot || strcmp(dot, ".job") != 0) return;
  strcpy(dot, ".pins");
  static char text[65536];
  if (read_file(path, text, sizeof text) < 0) return;
  for (char *l = strtok(text, "\n"); l && npins < MAX_PINS; l = strtok(NULL, "\n")) {
    char *sp = strchr(l, ' ');
    if (!sp) continue;
    *sp = 0;
    snprintf(pins[npins].cpus, sizeof pins[npins].cpus, "%s", l);
    snprintf(pins[npins].name, sizeof pins[npins].name, "%s", sp + 1);
    npins++;
  }
}

/* "0-1,3" into a CPU set; 0 when the list is malformed */
static int parse_cpulist(const char *s, cpu_set_t *set) {
  CPU_ZERO(set);
  while (*s) {
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (end == s || a < 0 || a >= CPU_SETSIZE) return 0;
    s = end;
    if (*s == '-') {
      b = strtol(s + 1, &end, 10);
      if (end == s + 1 || b < a || b >= CPU_SETSIZE) return 0;
      s = end;
    }
    for (long c = a; c <= b; c++) CPU_SET(c, set);
    if (*s == ',') s++;
    else if (*s) return 0;
  }
  return 1;
}

/* the pin of one thread: NULL when the design leaves it alone (mirrors shared/run/pin-report.ts:
 * vCPUs and configured I/O threads by name, thread-contexts and workers keep QEMU's own, every
 * other thread is the emulator's) */
static const char *pin_for(const char *name) {
  for (int i = 0; i < npins; i++)
    if (strcmp(pins[i].name, name) == 0) return strcmp(pins[i].cpus, "-") == 0 ? NULL : pins[i].cpus;
  if (strncmp(name, "TC ", 3) == 0 || strcmp(name, "touch_pages") == 0) return NULL;
  for (int i = 0; i < npins; i++)
    if (strcmp(pins[i].name, "*") == 0) return strcmp(pins[i].cpus, "-") == 0 ? NULL : pins[i].cpus;
  return NULL;
}

/* one QMP command, blocking: its reply line ("return" or "error"; events are skipped) */
static char qline[8192];
static int qline_len;
static const char *qmp_cmd(int fd, const char *cmd) {
  if (write(fd, cmd, strlen(cmd)) < 0) return NULL;
  for (;;) {
    char *nl = memchr(qline, '\n', qline_len);
    if (nl) {
      *nl = 0;
      static char reply[8192];
      snprintf(reply, sizeof reply, "%s", qline);
      int used = nl - qline + 1;
      memmove(qline, qline + used, qline_len - used);
      qline_len -= used;
      if (strstr(reply, "\"return\"") || strstr(reply, "\"error\"")) return reply;
      continue;
    }
    if (qline_len >= (int)sizeof qline - 1) qline_len = 0;
    int r = read(fd, qline + qline_len, sizeof qline - 1 - qline_len);
    if (r <= 0) return NULL;
    qline_len += r;
  }
}

static void comm_of(int pid, int tid, char *name, int size) {
  char path[128];
  name[0] = 0;
  snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tid);
  if (read_file(path, name, size) > 0) name[strcspn(name, "\n")] = 0;
}

/* a thread's Cpus_allowed_list from its status file; 0 when it is gone */
static int allowed_of(int pid, int tid, char *out, int size) {
  char path[128], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/task/%d/status", pid, tid);
  if (read_file(path, buf, sizeof buf) <= 0) return 0;
  char *c = strstr(buf, "Cpus_allowed_list:");
  if (!c) return 0;
  c += strlen("Cpus_allowed_list:");
  while (*c == ' ' || *c == '\t') c++;
  c[strcspn(c, "\n")] = 0;
  snprintf(out, size, "%s", c);
  return 1;
}

/* the process's thread ids now */
static int list_tids(int pid, int *tids, int max) {
  char path[64];
  int n = 0;
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  DIR *d = opendir(path);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < max)
    if (atoi(e->d_name) > 0) tids[n++] = atoi(e->d_name);
  closedir(d);
  return n;
}

/* Pin every thread the design places, say QEMU's status then, let the guest run, read back. */
static void pin_and_report(int fd, int pid) {
  static int tids[MAX_TASKS];
  char name[64], allowed[4096];
  /* the machine exists (every vCPU thread too) once the main loop answers */
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  struct timeval tv = { 60, 0 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (!qmp_cmd(fd, "{\"execute\":\"qmp_capabilities\"}\n") || !qmp_cmd(fd, "{\"execute\":\"query-status\"}\n")) {
    printf("NUMADESK-LAB PE QEMU did not answer on QMP before pinning\n");
    return;
  }
  int n = list_tids(pid, tids, MAX_TASKS);
  for (int i = 0; i < n; i++) {
    comm_of(pid, tids[i], name, sizeof name);
    const char *want = pin_for(name);
    if (!want) continue;
    cpu_set_t set;
    if (!parse_cpulist(want, &set)) { printf("NUMADESK-LAB PE %s (%d) to %s: not a CPU list\n", name, tids[i], want); continue; }
    if (sched_setaffinity(tids[i], sizeof set, &set) != 0) printf("NUMADESK-LAB PE %s (%d) to %s: %s\n", name, tids[i], want, strerror(errno));
  }
  const char *st = qmp_cmd(fd, "{\"execute\":\"query-status\"}\n");
  const char *s = st ? strstr(st, "\"status\"") : NULL;
  char status[64] = "unknown";
  if (s && (s = strchr(s + 8, '"'))) snprintf(status, sizeof status, "%.*s", (int)strcspn(s + 1, "\""), s + 1);
  printf("NUMADESK-LAB PS %s\n", status);
  qmp_cmd(fd, "{\"execute\":\"cont\"}\n");
  n = list_tids(pid, tids, MAX_TASKS);
  for (int i = 0; i < n; i++) {
    comm_of(pid, tids[i], name, sizeof name);
    if (allowed_of(pid, tids[i], allowed, sizeof allowed)) printf("NUMADESK-LAB P %d %d %s %s\n", tids[i], tids[i] == pid, allowed, name);
  }
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
  read_pins(argv[1]);
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
          if (allowed_of(pid, tid, buf, sizeof buf)) {
            printf("NUMADESK-LAB A %d %s %s\n", tid, buf, tk->name);
            tk->announced = 1;
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
          if (npins > 0) {
            /* what came after the greeting is the start of the next reply */
            char *rest = strstr(qbuf, "\n");
            qline_len = rest ? snprintf(qline, sizeof qline, "%s", rest + 1) : 0;
            pin_and_report(qmp, pid);
            if (write(qmp, "{\"execute\":\"quit\"}\n", 19) < 0) kill(-pid, SIGKILL);
          } else {
            const char *cmds = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n";
            if (write(qmp, cmds, strlen(cmds)) < 0) kill(-pid, SIGKILL);
          }
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
