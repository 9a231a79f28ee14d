#ifndef CREKON_CRYPTO_SHIM_H
#define CREKON_CRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/sha.h>
#endif
