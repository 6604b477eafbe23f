/* Errors are values: a status code plus a one-line message, returned to the
 * caller.  Nothing is stored in globals. */
#ifndef AZ_ERROR_H
#define AZ_ERROR_H

#include <stdarg.h>

typedef enum az_status {
    AZ_OK = 0,
    AZ_ERR_IO,          /* cannot open / read / map the file */
    AZ_ERR_FORMAT,      /* not a recognised binary, or its top header is unreadable */
    AZ_ERR_UNSUPPORTED, /* recognised, but a class / machine / variant we do not read */
    AZ_ERR_CORRUPT,     /* a structure we need is damaged beyond use */
    AZ_ERR_NOMEM,
    AZ_ERR_USAGE,       /* bad command-line arguments */
} az_status;

typedef struct az_error {
    az_status status;
    char msg[512];
} az_error;

/* Sets err (if non-NULL) and returns status, so callers can write
 * `return az_fail(err, AZ_ERR_FORMAT, "bad magic");`. */
az_status az_fail(az_error *err, az_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
