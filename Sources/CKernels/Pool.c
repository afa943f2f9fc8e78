// A persistent thread pool for the decode kernels and the training step's row passes: one parallel call per matrix-vector batch,
// ~120 per token, so waking threads must cost microseconds, not the tens of microseconds of a
// condition variable or a dispatch queue. Workers spin on an epoch counter for a short while after
// each call (the next call usually comes within microseconds) and then sleep on a condition
// variable, so an idle process does not burn a core.
#include "CKernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CK_PAUSE() _mm_pause()
#else
#define CK_PAUSE() ((void)0)
#endif

// ~2,000 pauses is some tens of microseconds: enough to catch the next call of the same token on an
// idle machine, short enough not to starve a descheduled partner on a busy one.
enum { MAX_WORKERS = 63, SPIN_ROUNDS = 2000 };

static struct {
    pthread_mutex_t call;          // one parallel call at a time (tests run concurrently)
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic unsigned long epoch;   // bumped once per call; workers run when it changes
    _Atomic int pending;           // workers still running the current call
    _Atomic int sleepers;          // workers waiting on `wake`
    int workers;                   // threads started so far
    ck_task task;                  // the current call (written before the epoch bump)
    void *context;
    int parts;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

// Set on a thread while it runs a part of a call (always on a worker): a call made from inside a
// part runs all its parts right there, in order, instead of waiting forever for the pool it is
// part of (the caller holds `call`; a worker would wait for its own part to finish).
static _Thread_local int inside_call;

// The epoch each worker was started at: it waits for the first call after that.
static unsigned long start_epoch[MAX_WORKERS];

static void *worker(void *arg) {
    int index = (int)(long)arg;  // runs part index + 1
    unsigned long seen = start_epoch[index];
    inside_call = 1;
    for (;;) {
        unsigned long now;
        int spins = 0;
        while ((now = atomic_load_explicit(&pool.epoch, memory_order_acquire)) == seen) {
            if (++spins < SPIN_ROUNDS) { CK_PAUSE(); continue; }
            pthread_mutex_lock(&pool.lock);
            atomic_fetch_add(&pool.sleepers, 1);
            while ((now = atomic_load_explicit(&pool.epoch, memory_order_acquire)) == seen)
                pthread_cond_wait(&pool.wake, &pool.lock);
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.lock);
            break;
        }
        seen = now;
        if (index + 1 < pool.parts) {
            pool.task(pool.context, index + 1, pool.parts);
        }
        atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_acq_rel);
    }
    return 0;
}

void ck_parallel(ck_task task, void *context, int parts) {
    if (parts <= 1) { task(context, 0, 1); return; }
    if (inside_call) {
        for (int p = 0; p < parts; p++) task(context, p, parts);
        return;
    }
    if (parts - 1 > MAX_WORKERS) parts = MAX_WORKERS + 1;
    pthread_mutex_lock(&pool.call);
    while (pool.workers < parts - 1) {
        pthread_t thread;
        start_epoch[pool.workers] = atomic_load(&pool.epoch);
        // The new worker reads the epoch before this call bumps it, so it waits for this call.
        if (pthread_create(&thread, 0, worker, (void *)(long)pool.workers) != 0) break;
        pthread_detach(thread);
        pool.workers++;
    }
    if (pool.workers < parts - 1) {  // could not start enough threads: run the rest here
        inside_call = 1;
        for (int p = 0; p < parts; p++) task(context, p, parts);
        inside_call = 0;
        pthread_mutex_unlock(&pool.call);
        return;
    }
    pool.task = task;
    pool.context = context;
    pool.parts = parts;
    // Every started worker takes part in each call (those past `parts` do nothing).
    atomic_store_explicit(&pool.pending, pool.workers, memory_order_relaxed);
    pthread_mutex_lock(&pool.lock);
    atomic_fetch_add_explicit(&pool.epoch, 1, memory_order_release);
    if (atomic_load(&pool.sleepers) > 0) pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    inside_call = 1;
    task(context, 0, parts);
    inside_call = 0;
    // Spin while the workers finish (microseconds when they have cores); on a busy machine a
    // descheduled worker could take a whole time slice, so yield the core after a while.
    for (int spins = 0; atomic_load_explicit(&pool.pending, memory_order_acquire) > 0; spins++) {
        if (spins < SPIN_ROUNDS) CK_PAUSE(); else sched_yield();
    }
    pthread_mutex_unlock(&pool.call);
}

long ck_claim(long *next, long total, int parts, long *first) {
    long current = __atomic_load_n(next, __ATOMIC_RELAXED);
    for (;;) {
        long remaining = total - current;
        if (remaining <= 0) return 0;
        long take = remaining / (2L * (parts > 0 ? parts : 1));
        if (take < 1) take = 1;
        // on failure `current` is reloaded with the counter's value
        if (__atomic_compare_exchange_n(next, &current, current + take, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            *first = current;
            return take;
        }
    }
}
