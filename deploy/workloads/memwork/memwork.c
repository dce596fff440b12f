/*
 * Baton's memory workload: holds N MB of pseudo-random state, dirties it at R KB/s (one word in
 * each of R/4 pages a second, so every dirtied page really changes content) and answers each
 * request with its request counter and two checksums of the state: the one it keeps up to date
 * word by word as it writes, and one recomputed over every byte. After a migration the two agree
 * only if every page came back as it was, and the counter continues from where it stopped.
 *
 *   memwork serve [--mb N] [--dirty-kbps R]   the workload (run it as the container's PID 1)
 *   memwork query [Q|Z|D]                     one request to PID 1, prints the answer
 *
 * Requests travel as a signal plus a file, not a socket: CRIU 4.1 cannot dump an inet socket on
 * kernels from 6.16 on (SO_PASSCRED is refused there), and a signal leaves nothing open to
 * checkpoint. Q answers; Z answers and stops dirtying; D answers and resumes dirtying.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define REQUEST_FILE "/tmp/memwork.request"
#define ANSWER_FILE "/tmp/memwork.answer"

static volatile sig_atomic_t asked;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int arg_int(int argc, char **argv, const char *name, int fallback) {
  for (int i = 2; i + 1 < argc; i++) {
    if (strcmp(argv[i], name) == 0) return atoi(argv[i + 1]);
  }
  return fallback;
}

static void on_request(int signal) {
  (void)signal;
  asked = 1;
}

static int query(const char *request) {
  unlink(ANSWER_FILE);
  FILE *out = fopen(REQUEST_FILE, "w");
  if (out == NULL) {
    perror(REQUEST_FILE);
    return 1;
  }
  fputs(request, out);
  fclose(out);
  if (kill(1, SIGUSR1) != 0) {
    perror("kill");
    return 1;
  }
  for (int i = 0; i < 1000; i++) {
    /* A signal can be lost (one that lands while CRIU has the process seized for a leave-running
     * checkpoint); the request file is still there until the server takes it, so ask again. */
    if (i > 0 && i % 100 == 0 && access(REQUEST_FILE, F_OK) == 0) kill(1, SIGUSR1);
    FILE *in = fopen(ANSWER_FILE, "r");
    if (in != NULL) {
      char answer[256];
      size_t n = fread(answer, 1, sizeof answer - 1, in);
      fclose(in);
      answer[n] = 0;
      fputs(answer, stdout);
      return 0;
    }
    usleep(5000);
  }
  fprintf(stderr, "no answer within 5 s\n");
  return 1;
}

static void answer(uint64_t counter, uint64_t steps, uint64_t sum, const uint64_t *state, size_t words, int megabytes) {
  uint64_t full = 0;
  for (size_t i = 0; i < words; i++) full += state[i];
  FILE *out = fopen(ANSWER_FILE ".tmp", "w");
  if (out == NULL) return;
  fprintf(out, "counter=%llu steps=%llu sum=%016llx full=%016llx mb=%d\n", (unsigned long long)counter,
          (unsigned long long)steps, (unsigned long long)sum, (unsigned long long)full, megabytes);
  fclose(out);
  rename(ANSWER_FILE ".tmp", ANSWER_FILE);
}

static int serve(int megabytes, int dirty_kbps) {
  size_t bytes = (size_t)megabytes * 1024 * 1024;
  size_t words = bytes / 8, pages = bytes / PAGE;
  uint64_t *state = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (state == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  uint64_t sum = 0;
  for (size_t i = 0; i < words; i++) {
    state[i] = next_random();
    sum += state[i];
  }
  struct sigaction action = {0};
  action.sa_handler = on_request;
  sigaction(SIGUSR1, &action, NULL);
  signal(SIGTERM, SIG_DFL);
  printf("memwork: %d MB, dirtying %d KB/s\n", megabytes, dirty_kbps);
  fflush(stdout);
  uint64_t counter = 0, steps = 0;
  int dirtying = dirty_kbps > 0;
  double pages_per_second = dirty_kbps / 4.0, owed = 0, last = now_seconds();
  for (;;) {
    usleep(10000);
    double now = now_seconds();
    /* A long gap (the process was frozen for a checkpoint) is not work to catch up on. */
    double elapsed = now - last > 1.0 ? 0 : now - last;
    last = now;
    if (dirtying) {
      owed += elapsed * pages_per_second;
      for (; owed >= 1; owed -= 1) {
        size_t word = (next_random() % pages) * (PAGE / 8) + next_random() % (PAGE / 8);
        uint64_t value = next_random();
        sum += value - state[word];
        state[word] = value;
        steps++;
      }
    }
    if (!asked) continue;
    asked = 0;
    char request[8] = "Q";
    FILE *in = fopen(REQUEST_FILE, "r");
    if (in != NULL) {
      if (fgets(request, sizeof request, in) == NULL) request[0] = 'Q';
      fclose(in);
      unlink(REQUEST_FILE);
    }
    counter++;
    answer(counter, steps, sum, state, words, megabytes);
    if (request[0] == 'Z') dirtying = 0;
    if (request[0] == 'D') dirtying = dirty_kbps > 0;
  }
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "query") == 0) return query(argc >= 3 ? argv[2] : "Q");
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) return serve(arg_int(argc, argv, "--mb", 64), arg_int(argc, argv, "--dirty-kbps", 0));
  fprintf(stderr, "usage: memwork serve [--mb N] [--dirty-kbps R] | memwork query [Q|Z|D]\n");
  return 2;
}
