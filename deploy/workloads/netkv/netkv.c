/*
 * Baton's networked workload: a request counter and a small key-value store behind a
 * single-threaded HTTP/1.0 server, the state a real networked service keeps in memory.
 *
 *   netkv serve [--port P]    the server (the container's PID 1), on 0.0.0.0:P (default 8080)
 *   netkv health [--port P]   GET /health against 127.0.0.1:P, prints the reply; exit 0 on 200
 *
 * Endpoints (every reply is small JSON):
 *   POST /  or  POST /counter   counts one request          {"counter":N}
 *   GET /counter                reads the counter            {"counter":N}
 *   PUT|POST /kv/KEY  (VALUE)   stores VALUE under KEY       {"key":"KEY","value":"VALUE"}
 *   GET /kv/KEY                 reads it (404 when absent)   {"key":"KEY","value":"VALUE"}
 *   GET /health                 liveness                     {"ok":true,"counter":N,"keys":K}
 * KEY is 1..64 of [A-Za-z0-9._-]; VALUE is the request body, 0..256 printable ASCII bytes.
 *
 * Every reply closes the connection, and a reply's end is that close (no Content-Length, as
 * HTTP/1.0 allows): a client that has read a whole reply knows the server holds no socket of that
 * connection any more, so a checkpoint taken right after it finds only the listening socket (CRIU,
 * as Docker runs it, refuses to dump an established TCP connection).
 *
 * The parser is hand-written, so it is strict and bounded: a request (line, headers and body) is
 * at most 4096 bytes (413), the body at most 256 (413), Transfer-Encoding is refused (501), any
 * malformed request line or header gets 400, a connection that stays incomplete for 5 s gets 408,
 * and up to 32 connections are served side by side (poll), so a slow client delays nobody.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST 4096
#define MAX_BODY 256
#define MAX_KEY 64
#define MAX_CONNS 32
#define MAX_KEYS 256
#define IDLE_MS 5000
#define OUT_SIZE 1024

struct conn {
  int fd;
  size_t len;
  char in[MAX_REQUEST + 1];
  char out[OUT_SIZE];
  size_t out_len, out_sent;
  int writing;
  int linger; /* after the reply: read what the client still sends, then close (413 only) */
  int64_t deadline_ms;
};

struct entry {
  char key[MAX_KEY + 1];
  char value[MAX_BODY + 1];
};

static struct conn conns[MAX_CONNS];
static struct entry store[MAX_KEYS];
static int keys;
static unsigned long long counter;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int arg_port(int argc, char **argv) {
  for (int i = 2; i + 1 < argc; i++) {
    if (strcmp(argv[i], "--port") == 0) {
      int port = atoi(argv[i + 1]);
      if (port > 0 && port < 65536) return port;
      fprintf(stderr, "bad port %s\n", argv[i + 1]);
      exit(2);
    }
  }
  return 8080;
}

static const char *reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "Error";
  }
}

/* Queues the reply; the connection then only writes it and closes. */
static void reply(struct conn *c, int status, const char *fmt, ...) {
  char body[OUT_SIZE / 2];
  va_list args;
  va_start(args, fmt);
  vsnprintf(body, sizeof body, fmt, args);
  va_end(args);
  int n = snprintf(c->out, sizeof c->out,
                   "HTTP/1.0 %d %s\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n%s\n", status,
                   reason(status), body);
  c->out_len = n < 0 ? 0 : (size_t)n < sizeof c->out ? (size_t)n : sizeof c->out - 1;
  c->out_sent = 0;
  c->writing = 1;
}

static void error_reply(struct conn *c, int status, const char *why) {
  reply(c, status, "{\"error\":\"%s\"}", why);
  /* A too large request is still arriving: closing with unread input would reset the connection
   * and the client might lose the 413, so the server reads on (and drops it) for up to 1 s. */
  c->linger = status == 413;
}

static int valid_key(const char *key, size_t len) {
  if (len == 0 || len > MAX_KEY) return 0;
  for (size_t i = 0; i < len; i++) {
    char ch = key[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
          ch == '-'))
      return 0;
  }
  return 1;
}

static struct entry *find(const char *key) {
  for (int i = 0; i < keys; i++) {
    if (strcmp(store[i].key, key) == 0) return &store[i];
  }
  return NULL;
}

static void route(struct conn *c, const char *method, const char *path, const char *body, size_t body_len) {
  int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0, put = strcmp(method, "PUT") == 0;
  if (strcmp(path, "/") == 0 || strcmp(path, "/counter") == 0) {
    if (post) {
      counter++;
      reply(c, 200, "{\"counter\":%llu}", counter);
    } else if (get && path[1] != 0) {
      reply(c, 200, "{\"counter\":%llu}", counter);
    } else {
      error_reply(c, 405, "method not allowed");
    }
  } else if (strcmp(path, "/health") == 0) {
    if (get) {
      reply(c, 200, "{\"ok\":true,\"counter\":%llu,\"keys\":%d}", counter, keys);
    } else {
      error_reply(c, 405, "method not allowed");
    }
  } else if (strncmp(path, "/kv/", 4) == 0) {
    const char *key = path + 4;
    if (!valid_key(key, strlen(key))) {
      error_reply(c, 400, "a key is 1..64 of [A-Za-z0-9._-]");
      return;
    }
    struct entry *e = find(key);
    if (get) {
      if (e == NULL) {
        reply(c, 404, "{\"error\":\"no such key\",\"key\":\"%s\"}", key);
      } else {
        reply(c, 200, "{\"key\":\"%s\",\"value\":\"%s\"}", e->key, e->value);
      }
    } else if (put || post) {
      for (size_t i = 0; i < body_len; i++) {
        /* Printable ASCII but no quote or backslash: the value goes into the JSON reply as it is. */
        if (body[i] < 0x20 || body[i] > 0x7e || body[i] == '"' || body[i] == '\\') {
          error_reply(c, 400, "a value is printable ASCII without quotes or backslashes");
          return;
        }
      }
      if (e == NULL) {
        if (keys == MAX_KEYS) {
          error_reply(c, 507, "the store is full");
          return;
        }
        e = &store[keys++];
        strcpy(e->key, key);
      }
      memcpy(e->value, body, body_len);
      e->value[body_len] = 0;
      reply(c, 200, "{\"key\":\"%s\",\"value\":\"%s\"}", e->key, e->value);
    } else {
      error_reply(c, 405, "method not allowed");
    }
  } else {
    error_reply(c, 404, "no such path");
  }
}

/*
 * Parses what has arrived. Returns 0 while the request is incomplete (read on), 1 once a reply is
 * queued (complete or refused).
 */
static int parse(struct conn *c) {
  char *end = strstr(c->in, "\r\n\r\n");
  if (end == NULL) {
    if (memchr(c->in, 0, c->len) != NULL) {
      error_reply(c, 400, "NUL byte in the request");
      return 1;
    }
    if (c->len >= MAX_REQUEST) {
      error_reply(c, 413, "request too large");
      return 1;
    }
    return 0;
  }
  size_t head_len = (size_t)(end - c->in) + 4;
  /* Request line: METHOD SP /target SP HTTP/1.x CRLF */
  char method[8], path[128];
  const char *p = c->in;
  size_t m = 0;
  while (*p >= 'A' && *p <= 'Z' && m < sizeof method - 1) method[m++] = *p++;
  method[m] = 0;
  if (m == 0 || *p++ != ' ') {
    error_reply(c, 400, "bad request line");
    return 1;
  }
  size_t t = 0;
  if (*p != '/') {
    error_reply(c, 400, "the target must start with /");
    return 1;
  }
  while (*p > 0x20 && *p < 0x7f && t < sizeof path - 1) path[t++] = *p++;
  path[t] = 0;
  if (*p != ' ') {
    error_reply(c, 400, "bad or too long target");
    return 1;
  }
  p++;
  if (strncmp(p, "HTTP/1.0\r\n", 10) != 0 && strncmp(p, "HTTP/1.1\r\n", 10) != 0) {
    error_reply(c, 400, "bad protocol version");
    return 1;
  }
  p += 10;
  /* Headers: Name: value CRLF, until the empty line. */
  long content_length = -1;
  while (p < end + 2) {
    const char *eol = strstr(p, "\r\n");
    const char *colon = memchr(p, ':', (size_t)(eol - p));
    if (colon == NULL || colon == p) {
      error_reply(c, 400, "bad header");
      return 1;
    }
    for (const char *q = p; q < colon; q++) {
      if (*q <= 0x20 || *q >= 0x7f) {
        error_reply(c, 400, "bad header name");
        return 1;
      }
    }
    for (const char *q = colon + 1; q < eol; q++) {
      if ((*q < 0x20 && *q != '\t') || *q == 0x7f) {
        error_reply(c, 400, "bad header value");
        return 1;
      }
    }
    size_t name_len = (size_t)(colon - p);
    const char *value = colon + 1;
    while (value < eol && (*value == ' ' || *value == '\t')) value++;
    if (name_len == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
      error_reply(c, 501, "Transfer-Encoding is not supported");
      return 1;
    }
    if (name_len == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
      long n = 0;
      const char *q = value;
      if (q == eol) {
        error_reply(c, 400, "bad Content-Length");
        return 1;
      }
      for (; q < eol && *q >= '0' && *q <= '9'; q++) {
        n = n * 10 + (*q - '0');
        if (n > MAX_BODY) {
          error_reply(c, 413, "body too large");
          return 1;
        }
      }
      while (q < eol && (*q == ' ' || *q == '\t')) q++;
      if (q != eol || (content_length >= 0 && content_length != n)) {
        error_reply(c, 400, "bad Content-Length");
        return 1;
      }
      content_length = n;
    }
    p = eol + 2;
  }
  size_t body_len = content_length < 0 ? 0 : (size_t)content_length;
  if (head_len + body_len > MAX_REQUEST) {
    error_reply(c, 413, "request too large");
    return 1;
  }
  if (c->len < head_len + body_len) return 0;
  route(c, method, path, c->in + head_len, body_len);
  return 1;
}

static void drop(struct conn *c) {
  close(c->fd);
  c->fd = -1;
}

static void on_readable(struct conn *c) {
  if (c->linger) {
    char scratch[MAX_REQUEST];
    ssize_t n = recv(c->fd, scratch, sizeof scratch, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) drop(c);
    return;
  }
  ssize_t n = recv(c->fd, c->in + c->len, MAX_REQUEST - c->len, 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) drop(c);
    return;
  }
  if (n == 0) {
    /* The client stopped sending: a request it left incomplete is a bad one. */
    if (c->len == 0) {
      drop(c);
    } else if (!parse(c)) {
      error_reply(c, 400, "incomplete request");
    }
    return;
  }
  c->len += (size_t)n;
  c->in[c->len] = 0;
  parse(c);
}

static void on_writable(struct conn *c) {
  ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) drop(c);
    return;
  }
  c->out_sent += (size_t)n;
  if (c->out_sent < c->out_len) return;
  if (c->linger) {
    shutdown(c->fd, SHUT_WR);
    c->writing = 0;
    c->deadline_ms = now_ms() + 1000;
  } else {
    drop(c); /* the close ends the reply */
  }
}

static int serve(int port) {
  signal(SIGPIPE, SIG_IGN);
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = INADDR_ANY};
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 64) != 0) {
    perror("netkv: listen");
    return 1;
  }
  for (int i = 0; i < MAX_CONNS; i++) conns[i].fd = -1;
  printf("netkv: listening on 0.0.0.0:%d\n", port);
  fflush(stdout);
  for (;;) {
    struct pollfd fds[MAX_CONNS + 1];
    int slot[MAX_CONNS + 1];
    int nfds = 0;
    fds[nfds].fd = listener;
    fds[nfds].events = POLLIN;
    slot[nfds++] = -1;
    int64_t now = now_ms(), wake = now + IDLE_MS;
    for (int i = 0; i < MAX_CONNS; i++) {
      struct conn *c = &conns[i];
      if (c->fd < 0) continue;
      if (c->linger && !c->writing && now >= c->deadline_ms) {
        drop(c);
        continue;
      }
      if (!c->writing && now >= c->deadline_ms) error_reply(c, 408, "request not complete within 5 s");
      if (!c->writing && c->deadline_ms < wake) wake = c->deadline_ms;
      fds[nfds].fd = c->fd;
      fds[nfds].events = c->writing ? POLLOUT : POLLIN;
      slot[nfds++] = i;
    }
    int ready = poll(fds, (nfds_t)nfds, (int)(wake - now < 0 ? 0 : wake - now));
    if (ready < 0 && errno != EINTR) {
      perror("netkv: poll");
      return 1;
    }
    for (int k = 1; ready > 0 && k < nfds; k++) {
      struct conn *c = &conns[slot[k]];
      if (c->fd < 0 || fds[k].revents == 0) continue;
      if (c->writing) {
        if (fds[k].revents & (POLLOUT | POLLERR | POLLHUP)) on_writable(c);
      } else if (fds[k].revents & (POLLIN | POLLERR | POLLHUP)) {
        on_readable(c);
      }
    }
    if (ready > 0 && (fds[0].revents & POLLIN)) {
      for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        struct conn *free_conn = NULL;
        for (int i = 0; i < MAX_CONNS && free_conn == NULL; i++) {
          if (conns[i].fd < 0) free_conn = &conns[i];
        }
        if (free_conn == NULL) {
          static const char busy[] = "HTTP/1.0 503 Service Unavailable\r\nConnection: close\r\n\r\n{\"error\":\"busy\"}\n";
          send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
          close(fd);
          continue;
        }
        free_conn->fd = fd;
        free_conn->len = 0;
        free_conn->in[0] = 0;
        free_conn->writing = 0;
        free_conn->linger = 0;
        free_conn->deadline_ms = now_ms() + IDLE_MS;
      }
    }
  }
}

static int health(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval timeout = {.tv_sec = 5};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    perror("netkv health: connect");
    return 1;
  }
  static const char request[] = "GET /health HTTP/1.0\r\n\r\n";
  if (send(fd, request, sizeof request - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof request - 1)) {
    perror("netkv health: send");
    return 1;
  }
  char answer[OUT_SIZE + 1];
  size_t len = 0;
  ssize_t n;
  while (len < OUT_SIZE && (n = recv(fd, answer + len, OUT_SIZE - len, 0)) > 0) len += (size_t)n;
  answer[len] = 0;
  close(fd);
  char *body = strstr(answer, "\r\n\r\n");
  if (strncmp(answer, "HTTP/1.0 200 ", 13) != 0 || body == NULL) {
    fprintf(stderr, "netkv health: %s\n", len == 0 ? "no answer" : answer);
    return 1;
  }
  fputs(body + 4, stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) return serve(arg_port(argc, argv));
  if (argc >= 2 && strcmp(argv[1], "health") == 0) return health(arg_port(argc, argv));
  fprintf(stderr, "usage: netkv serve|health [--port P]\n");
  return 2;
}
