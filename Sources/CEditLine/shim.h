// C glue for the Terminal module.
//
// libedit's el_set/el_get/history are C variadic functions, which Swift cannot call, so each
// operation Terminal needs gets a small fixed-signature wrapper here. The same goes for the
// variadic ioctl (terminal size) and for C11 atomics used by the SIGINT handler.
#ifndef PTUNE_CEDITLINE_SHIM_H
#define PTUNE_CEDITLINE_SHIM_H

#include <stdio.h>
#include <histedit.h>
#include <sys/ioctl.h>
#include <unistd.h>

// MARK: - EditLine settings

/// A user-defined editor function (bound to keys with ptune_el_bind).
typedef unsigned char (*ptune_el_func_t)(EditLine *, int);
/// A prompt function; the returned string must outlive the call.
typedef char *(*ptune_el_prompt_t)(EditLine *);

/// EL_PROMPT_ESC: characters between two `esc` characters are printed but take no columns.
static inline int ptune_el_set_prompt(EditLine *el, ptune_el_prompt_t f, char esc) {
    return el_set(el, EL_PROMPT_ESC, f, esc);
}
static inline int ptune_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int ptune_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int ptune_el_set_editmode(EditLine *el, int on) { return el_set(el, EL_EDITMODE, on); }
static inline int ptune_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *ptune_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}
static inline int ptune_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int ptune_el_addfn(EditLine *el, const char *name, const char *help, ptune_el_func_t f) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int ptune_el_bind(EditLine *el, const char *keys, const char *function) {
    return el_set(el, EL_BIND, keys, function, (const char *)NULL);
}
/// `setty -d <flag>`: change a tty flag for the duration of editing only.
static inline int ptune_el_setty_edit(EditLine *el, const char *flag) {
    return el_set(el, EL_SETTY, "-d", flag, (const char *)NULL);
}

// MARK: - History

static inline int ptune_history_setsize(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}
static inline int ptune_history_setunique(History *h, int on) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, on);
}
static inline int ptune_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
static inline int ptune_history_clear(History *h) {
    HistEvent ev;
    return history(h, &ev, H_CLEAR);
}

// MARK: - Terminal size

/// Columns of the terminal on `fd`, or 0 when it is not a terminal or reports no size.
static inline int ptune_terminal_columns(int fd) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
    return (int)ws.ws_col;
}

// MARK: - Pseudo-terminals

#if defined(__linux__)
// POSIX, but glibc declares these only under _XOPEN_SOURCE, which Swift's Glibc module does not
// set; the Terminal tests drive the line editor through a pty.
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern char *ptsname(int fd);
#endif

// MARK: - Atomics (async-signal-safe flag access)

static inline int ptune_atomic_load(const int *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline void ptune_atomic_store(int *p, int v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static inline int ptune_atomic_exchange(int *p, int v) {
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
/// Adds `v` and returns the new value.
static inline int ptune_atomic_add(int *p, int v) { return __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST); }

#endif
