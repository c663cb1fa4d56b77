/*
 * chdb-server: runs the ClickHouse engine of libchdb.so (the npm package @chdb/lib-linux-x64-gnu)
 * as a network server for the local stack, until SIGTERM/SIGINT/SIGHUP.
 *
 *   chdb-server LIBCHDB_SO CONFIG_XML [LOG_LEVEL]
 *
 * libchdb.so is clickhouse-local as a library: chdb_query_cmdline() takes clickhouse-local's
 * arguments, and clickhouse-local opens ClickHouse's HTTP and native listeners on
 * `SYSTEM START LISTEN`. Three things about clickhouse-local shape this program:
 *
 * - It shuts down (listeners included) once its statements are done. In interactive mode it
 *   instead waits for more statements on its terminal, so its stdin here is a pseudo-terminal
 *   that nobody types into; closing our end of it on a stop signal is its end of input, and it
 *   then shuts down the way it always does (merges stopped, tables detached, logs flushed).
 *   (chdb_connect(), the library's long-lived session, refuses `SYSTEM START LISTEN`:
 *   "start_servers_callback is not set".)
 * - Not interactive, it installs an error handler that aborts the process on any exception that
 *   leaves a connection thread: a client that disconnects mid-request ("Broken pipe") or fails
 *   to log in over the native protocol would kill the server. Interactive mode keeps Poco's
 *   default handler, which drops such exceptions after the handler has logged them.
 * - In interactive mode a failing start-up statement (a port in use) is printed, not fatal. The
 *   engine's stderr passes through this program, which stops the engine when it sees one.
 *
 * The password of user `default`: clickhouse-local logs its own session in as `default` with an
 * empty password (hard-coded), reads users.xml once, and has no SQL-writable user storage, so
 * `default` cannot simply be given a password. When CHDB_SERVER_DEFAULT_PASSWORD is set,
 * run.sh gives `default` an <http_authentication> login instead, pointed at a small
 * authenticator in this program (CHDB_SERVER_AUTH_URI: 127.0.0.1, a port the kernel picks). It
 * accepts that password always, and an empty password exactly once: the engine's own login,
 * which happens before any listener is open. Every later empty or wrong password is refused.
 *
 * Exit status: 0 after a signal-initiated shutdown, 1 when the engine failed to start or
 * stopped by itself (its messages are on stderr and in the server log).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Opaque result handle of chdb.h (only passed back to the library). */
typedef struct chdb_result_ chdb_result;
typedef chdb_result *(*query_cmdline_fn)(int argc, char **argv);
typedef const char *(*result_error_fn)(chdb_result *result);
typedef void (*destroy_result_fn)(chdb_result *result);

/* How clickhouse-local's interactive mode reports a failed statement on stderr. */
static const char FAILED_STATEMENT[] = "Received exception";

static int log_fd = STDERR_FILENO;  /* our stderr, before the engine's is redirected */
static int terminal = -1;           /* our end of the engine's pseudo-terminal */
static atomic_int stopping = 0;
static atomic_int startup_failed = 0;

static char *default_password = NULL;
static size_t default_password_len = 0;
/* The engine's own empty-password login of `default`, still to come. */
static atomic_int engine_login_left = 1;

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...) {
  char line[1024];
  va_list args;
  va_start(args, fmt);
  int n = snprintf(line, sizeof line, "chdb-server: ");
  n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, args);
  va_end(args);
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  ssize_t ignored = write(log_fd, line, (size_t)n);
  (void)ignored;
}

/* Ends the engine's input; it then shuts down. Safe to call more than once. */
static void stop_engine(void) {
  if (atomic_exchange(&stopping, 1) == 0) close(terminal);
}

/* Waits for the stop signals, which every other thread has blocked. */
static void *signal_thread(void *arg) {
  sigset_t *signals = arg;
  for (;;) {
    int sig = 0;
    if (sigwait(signals, &sig) != 0) continue;
    if (!atomic_load(&stopping)) {
      say("%s: shutting down", strsignal(sig));
      stop_engine();
    } else {
      say("%s again: exiting without a clean shutdown", strsignal(sig));
      _exit(1);
    }
  }
  return NULL;
}

/* Copies the engine's stderr to ours and stops the engine when a start-up statement failed. */
static void *stderr_thread(void *arg) {
  int from = (int)(intptr_t)arg;
  char buffer[4096 + sizeof FAILED_STATEMENT];
  size_t kept = 0; /* tail of the previous read, so a marker split across reads is found */
  for (;;) {
    ssize_t got = read(from, buffer + kept, sizeof buffer - 1 - kept);
    if (got <= 0) break;
    ssize_t ignored = write(log_fd, buffer + kept, (size_t)got);
    (void)ignored;
    size_t used = kept + (size_t)got;
    buffer[used] = '\0';
    if (!atomic_load(&stopping) && memmem(buffer, used, FAILED_STATEMENT, sizeof FAILED_STATEMENT - 1)) {
      atomic_store(&startup_failed, 1);
      say("a start-up statement failed (above); stopping");
      stop_engine();
    }
    kept = used < sizeof FAILED_STATEMENT ? used : sizeof FAILED_STATEMENT - 1;
    memmove(buffer, buffer + used - kept, kept);
  }
  return NULL;
}

/* ---- authenticator for user `default` (HTTP Basic, one request per connection) ---- */

static int base64_value(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Decodes base64 text up to the first character outside the alphabet; returns the length. */
static size_t base64_decode(const char *in, char *out, size_t out_size) {
  size_t n = 0;
  unsigned bits = 0;
  int have = 0;
  for (; *in; in++) {
    int v = base64_value((unsigned char)*in);
    if (v < 0) break;
    bits = (bits << 6) | (unsigned)v;
    have += 6;
    if (have >= 8) {
      have -= 8;
      if (n + 1 >= out_size) break;
      out[n++] = (char)((bits >> have) & 0xff);
    }
  }
  out[n] = '\0';
  return n;
}

/* Equal contents, in a time that does not depend on where they differ. */
static int same_secret(const char *a, size_t a_len, const char *b, size_t b_len) {
  unsigned char diff = (unsigned char)(a_len != b_len);
  size_t n = a_len < b_len ? a_len : b_len;
  for (size_t i = 0; i < n; i++) diff |= (unsigned char)(a[i] ^ b[i]);
  return diff == 0;
}

static int login_allowed(const char *header_value) {
  while (*header_value == ' ') header_value++;
  if (strncasecmp(header_value, "Basic ", 6) != 0) return 0;
  char decoded[1024];
  size_t len = base64_decode(header_value + 6, decoded, sizeof decoded);
  char *colon = memchr(decoded, ':', len);
  if (colon == NULL) return 0;
  *colon = '\0';
  const char *password = colon + 1;
  size_t password_len = len - (size_t)(password - decoded);
  if (strcmp(decoded, "default") != 0) return 0;
  if (password_len == 0) return atomic_exchange(&engine_login_left, 0) == 1;
  return same_secret(password, password_len, default_password, default_password_len);
}

static void *auth_connection(void *arg) {
  int fd = (int)(intptr_t)arg;
  struct timeval timeout = {.tv_sec = 2, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char request[8192];
  size_t used = 0;
  while (used + 1 < sizeof request) {
    ssize_t got = read(fd, request + used, sizeof request - 1 - used);
    if (got <= 0) break;
    used += (size_t)got;
    request[used] = '\0';
    if (strstr(request, "\r\n\r\n") != NULL) break;
  }
  request[used] = '\0';
  int allowed = 0;
  for (char *line = strstr(request, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "Authorization:", 14) == 0) {
      char *end = strstr(line + 2, "\r\n");
      if (end != NULL) *end = '\0';
      allowed = login_allowed(line + 16);
      break;
    }
  }
  const char *answer = allowed
      ? "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
      : "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  ssize_t ignored = write(fd, answer, strlen(answer));
  (void)ignored;
  close(fd);
  return NULL;
}

static void *auth_thread(void *arg) {
  int listener = (int)(intptr_t)arg;
  pthread_attr_t detached;
  pthread_attr_init(&detached);
  pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
  for (;;) {
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EINTR && errno != ECONNABORTED) usleep(10000); /* e.g. EMFILE: do not spin */
      continue;
    }
    pthread_t thread;
    if (pthread_create(&thread, &detached, auth_connection, (void *)(intptr_t)fd) != 0) close(fd);
  }
  return NULL;
}

/* Listens on 127.0.0.1 (kernel-chosen port) and exports CHDB_SERVER_AUTH_URI for the config. */
static int start_authenticator(void) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen(listener, 128) != 0 || getsockname(listener, (struct sockaddr *)&address, &size) != 0) {
    say("cannot open the authenticator socket: %s", strerror(errno));
    return -1;
  }
  char uri[64];
  snprintf(uri, sizeof uri, "http://127.0.0.1:%u/", (unsigned)ntohs(address.sin_port));
  setenv("CHDB_SERVER_AUTH_URI", uri, 1);
  pthread_t thread;
  if (pthread_create(&thread, NULL, auth_thread, (void *)(intptr_t)listener) != 0) {
    say("cannot start the authenticator thread");
    return -1;
  }
  return 0;
}

/* ---- the engine's terminal and output ---- */

/* stdin: a pseudo-terminal (interactive mode); stdout (banner, prompt): /dev/null;
 * stderr: a pipe to stderr_thread. */
static int redirect_engine_io(void) {
  terminal = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (terminal < 0 || grantpt(terminal) != 0 || unlockpt(terminal) != 0) {
    say("cannot open a pseudo-terminal: %s", strerror(errno));
    return -1;
  }
  int engine_terminal = open(ptsname(terminal), O_RDWR | O_NOCTTY);
  int null_output = open("/dev/null", O_WRONLY);
  int errors[2];
  log_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (engine_terminal < 0 || null_output < 0 || log_fd < 0 || pipe2(errors, O_CLOEXEC) != 0) {
    if (log_fd < 0) log_fd = STDERR_FILENO;
    say("cannot set up the engine's input and output: %s", strerror(errno));
    return -1;
  }
  dup2(engine_terminal, STDIN_FILENO);
  dup2(null_output, STDOUT_FILENO);
  dup2(errors[1], STDERR_FILENO);
  close(engine_terminal);
  close(null_output);
  close(errors[1]);
  pthread_t thread;
  if (pthread_create(&thread, NULL, stderr_thread, (void *)(intptr_t)errors[0]) != 0) {
    say("cannot start the stderr thread");
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: chdb-server LIBCHDB_SO CONFIG_XML [LOG_LEVEL]\n");
    return 2;
  }
  const char *log_level = argc == 4 ? argv[3] : "information";

  /* Blocked before any thread exists, so every thread the engine starts inherits the mask and
   * the stop signals reach signal_thread only. */
  static sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, NULL);

  const char *password = getenv("CHDB_SERVER_DEFAULT_PASSWORD");
  if (password != NULL && *password != '\0') {
    default_password = strdup(password);
    default_password_len = strlen(default_password);
    unsetenv("CHDB_SERVER_DEFAULT_PASSWORD");
    if (start_authenticator() != 0) return 1;
  }

  if (redirect_engine_io() != 0) return 1;
  pthread_t stopper;
  if (pthread_create(&stopper, NULL, signal_thread, &signals) != 0) {
    say("cannot start the signal thread");
    return 1;
  }

  void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    say("%s", dlerror());
    return 1;
  }
  query_cmdline_fn query_cmdline = (query_cmdline_fn)dlsym(library, "chdb_query_cmdline");
  result_error_fn result_error = (result_error_fn)dlsym(library, "chdb_result_error");
  destroy_result_fn destroy_result = (destroy_result_fn)dlsym(library, "chdb_destroy_query_result");
  if (query_cmdline == NULL || result_error == NULL || destroy_result == NULL) {
    say("%s does not export the chdb 3.x C API (chdb_query_cmdline)", argv[1]);
    return 1;
  }

  char config_arg[4096];
  char log_level_arg[64];
  snprintf(config_arg, sizeof config_arg, "--config-file=%s", argv[2]);
  /* clickhouse-local sets the log level from --log-level alone (trace without it). */
  snprintf(log_level_arg, sizeof log_level_arg, "--log-level=%s", log_level);
  char *engine_argv[] = {
      "clickhouse",
      config_arg,
      log_level_arg,
      "--query=SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP",
      "--interactive",
      /* What interactive mode would do for a person at the terminal, and a server must not: */
      "--disable_suggestion",             /* load completions over a second connection */
      "--history_file=/dev/null",         /* keep a history file in $HOME */
      "--progress=off",
      "--enable-progress-table-toggle=0", /* read keystrokes */
      "--output-format=TabSeparated",     /* the server's default format, not PrettyCompact */
      NULL,
  };
  int engine_argc = (int)(sizeof engine_argv / sizeof engine_argv[0]) - 1;

  chdb_result *result = query_cmdline(engine_argc, engine_argv);
  const char *error = result != NULL ? result_error(result) : "no result";
  int failed = 1;
  if (error != NULL && *error != '\0') {
    say("ClickHouse failed: %s", error);
  } else if (atomic_load(&startup_failed)) {
    say("ClickHouse did not start");
  } else if (!atomic_load(&stopping)) {
    /* A bad config or a failed login of the engine is printed by clickhouse-local itself, which
     * then returns without an error in the result. */
    say("ClickHouse stopped by itself; see the messages above and the server log");
  } else {
    failed = 0;
  }
  if (result != NULL) destroy_result(result);
  if (!failed) say("stopped");
  return failed;
}
