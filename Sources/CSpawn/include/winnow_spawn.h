#ifndef WINNOW_SPAWN_H
#define WINNOW_SPAWN_H

#include <sys/types.h>

/// Starts argv[0] (searched on PATH when it has no '/') in `directory`, with its stdin and
/// stdout connected to new close-on-exec, non-blocking pipes whose other ends are returned
/// in *to_child and *from_child; stderr is shared. SIGINT, SIGTERM and SIGPIPE are reset to
/// their defaults and no signal is blocked in the child, which leads its own process group
/// (kill(-pid, …) reaches what it starts). Returns 0, or an errno value.
int winnow_spawn(char *const argv[], const char *directory, pid_t *pid, int *to_child, int *from_child);

#endif
