#ifndef CREKON_POSIX_SHIM_H
#define CREKON_POSIX_SHIM_H
/* glibc >= 2.28 exports renameat2, but only declares it under _GNU_SOURCE, which the
   Glibc Swift module is not built with. Declare it here; the flag value is the kernel's. */
extern int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
#define CREKON_RENAME_EXCHANGE (1U << 1)
#endif
