/* The PDB reader on arbitrary bytes: identity (info and DBI streams), then
 * every symbol stream, placed through the section table of a typical ILC
 * image (the PDB's section:offset addresses need one). */
#include "../../formats/pdb.h"
#include "fuzz.h"

static void add_section(az_image *img, const char *name, uint64_t rva, uint64_t size, uint32_t flags)
{
    az_section *s = az_image_add_section(img);
    s->name = name;
    s->vm_addr = rva;
    s->vm_size = size;
    s->file_off = rva;
    s->file_size = size;
    s->flags = AZ_SEC_ALLOC | flags;
    s->index = (uint32_t)(img->nsections - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    az_error err = { 0 };
    char key[64];
    uint32_t dbi_age = 0;
    az_pdb_identify(data, size, "fuzz.pdb", key, &dbi_age, &err);

    az_image img;
    az_image_init(&img, "fuzz.exe", data, size);
    img.format = AZ_FORMAT_PE;
    img.image_base = 0x140000000;
    add_section(&img, ".text", 0x1000, 0x100000, AZ_SEC_EXEC);
    add_section(&img, ".managed", 0x101000, 0x100000, AZ_SEC_EXEC);
    add_section(&img, ".rdata", 0x201000, 0x80000, 0);
    add_section(&img, ".data", 0x281000, 0x40000, AZ_SEC_WRITE);
    add_section(&img, "hydrated", 0x2c1000, 0x40000, AZ_SEC_WRITE | AZ_SEC_ZEROFILL);
    err = (az_error){ 0 };
    if (az_pdb_add_symbols(&img, data, size, "fuzz.pdb", &err) == AZ_OK)
        az_image_finish(&img);
    az_image_free(&img);
    return 0;
}
