#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

az_status az_input_open(const char *path, az_input *out, az_error *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return az_fail(err, AZ_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return az_fail(err, AZ_ERR_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return az_fail(err, AZ_ERR_IO, "%s: is a directory", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return az_fail(err, AZ_ERR_IO, "%s: not a regular file", path);
    }
    out->path = strdup(path);
    out->size = (uint64_t)st.st_size;
    if (st.st_size > 0) {
        /* PROT_READ + MAP_PRIVATE: the file can never be written through this
         * mapping. */
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            close(fd);
            free(out->path);
            out->path = NULL;
            return az_fail(err, AZ_ERR_IO, "%s: cannot map: %s", path, strerror(e));
        }
        out->data = p;
        out->mapped = 1;
    }
    close(fd);
    return AZ_OK;
}

void az_input_close(az_input *in)
{
    if (in->mapped && in->data)
        munmap((void *)in->data, (size_t)in->size);
    free(in->path);
    memset(in, 0, sizeof *in);
}

bool az_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool az_input_open_candidate(az_image *img, const char *path, bool explicit_choice, const char *what,
                             az_input *out)
{
    if (!explicit_choice && !az_is_file(path))
        return false;
    az_error err = { 0 };
    if (az_input_open(path, out, &err) != AZ_OK) {
        az_image_warn(img, "%s %s", what, err.msg);
        return false;
    }
    return true;
}
