/*
 * QFS's native ML-DSA-87: verification that keeps what depends only on the public key, and
 * deterministic signing.
 *
 * Verification (FIPS 204 Algorithm 8, empty context) keeps the expanded matrix A (in the NTT
 * domain), tr = H(pk) and NTT(t1 * 2^d). Expanding A takes 56 SHAKE128 streams, about 280 of the
 * ~310 Keccak permutations of a verification; a sequencer checks many signatures under the keys of
 * its KeyLedger, so each verification thread keeps the most recently used keys (least recently used
 * out) and checks a known key's next signature without re-deriving them. FIPS 204 lets a verifier
 * precompute these values (they are functions of pk). Every arithmetic and hashing step is
 * PQClean's ml-dsa-87 "clean" code, compiled in from the `pqclean` npm package; only the order of
 * the steps (the same as PQClean's crypto_sign_verify_ctx) and the cache are ours. A cached entry
 * is used only for the byte-identical public key. A cache is a JavaScript object (createCache)
 * owned by one backend in one thread, so no locks.
 *
 * Signing is PQClean's crypto_sign_signature_ctx unchanged, with the deterministic variant's
 * rnd = {0}^32 (FIPS 204 §3.4): the randombytes it draws rnd from is defined below to give zeros.
 * That is what @noble/post-quantum's `extraEntropy: false` does, so both give the same bytes, and
 * the loader uses this signer only after checking that on a known answer (sign-backend.ts).
 *
 * The tests check the verdicts against @noble/post-quantum and pqclean on valid and altered
 * signatures, keys and messages, and the signatures against noble's byte for byte
 * (test/runtime/crypto/native/ml-dsa-87.test.ts, test/runtime/crypto/backend.test.ts,
 * test/runtime/crypto/sign-backend.test.ts).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* After node_api.h: PQClean's params.h defines one-letter macros (N, K, L, D, Q). */
#include "fips202.h"
#include "packing.h"
#include "params.h"
#include "poly.h"
#include "polyvec.h"
#include "randombytes.h"
#include "sign.h"

#define PK_BYTES PQCLEAN_MLDSA87_CLEAN_CRYPTO_PUBLICKEYBYTES
#define SIG_BYTES PQCLEAN_MLDSA87_CLEAN_CRYPTO_BYTES
#define SK_BYTES PQCLEAN_MLDSA87_CLEAN_CRYPTO_SECRETKEYBYTES
#define CAPACITY_MAX 4096

/* Marks the objects createCache returns, so verify never takes another external for a cache. */
static const napi_type_tag CACHE_TAG = {0x51f5c0de4d4c4453ULL, 0x4b45594341434845ULL};

/* Everything verification derives from one public key. */
typedef struct {
  uint8_t pk[PK_BYTES];
  uint8_t tr[TRBYTES];
  polyvecl mat[K];
  polyveck t1_ntt; /* NTT(t1 * 2^d) */
} expanded_key;

typedef struct {
  expanded_key *key; /* NULL until the slot is first filled */
  uint64_t used;     /* the cache's clock at the last use; 0 = empty */
} slot;

typedef struct {
  slot *slots;
  uint32_t capacity;
  expanded_key *scratch; /* capacity 0: where each key is expanded, allocated on first use */
  uint64_t clock;
  uint64_t hits;
  uint64_t misses;
} key_cache;

static void expand_key(expanded_key *out, const uint8_t pk[PK_BYTES]) {
  uint8_t rho[SEEDBYTES];
  memcpy(out->pk, pk, PK_BYTES);
  PQCLEAN_MLDSA87_CLEAN_unpack_pk(rho, &out->t1_ntt, pk);
  shake256(out->tr, TRBYTES, pk, PK_BYTES);
  PQCLEAN_MLDSA87_CLEAN_polyvec_matrix_expand(out->mat, rho);
  PQCLEAN_MLDSA87_CLEAN_polyveck_shiftl(&out->t1_ntt);
  PQCLEAN_MLDSA87_CLEAN_polyveck_ntt(&out->t1_ntt);
}

/* The slot holding pk, or NULL. Keys are random: memcmp mostly stops at the first byte. */
static slot *find(key_cache *cache, const uint8_t pk[PK_BYTES]) {
  for (uint32_t i = 0; i < cache->capacity; i++) {
    slot *s = &cache->slots[i];
    if (s->used != 0 && memcmp(s->key->pk, pk, PK_BYTES) == 0)
      return s;
  }
  return NULL;
}

/* An empty slot, else the least recently used one. */
static slot *victim(key_cache *cache) {
  slot *oldest = &cache->slots[0];
  for (uint32_t i = 0; i < cache->capacity; i++) {
    slot *s = &cache->slots[i];
    if (s->used == 0) return s;
    if (s->used < oldest->used) oldest = s;
  }
  return oldest;
}

/*
 * The expanded key for pk: from the cache, or expanded into the least recently used slot (or, with
 * capacity 0, into the cache's scratch entry). NULL only when memory runs out.
 */
static const expanded_key *lookup(key_cache *cache, const uint8_t pk[PK_BYTES]) {
  if (cache->capacity == 0) {
    if (cache->scratch == NULL && (cache->scratch = malloc(sizeof(expanded_key))) == NULL)
      return NULL;
    cache->misses++;
    expand_key(cache->scratch, pk);
    return cache->scratch;
  }
  slot *s = find(cache, pk);
  if (s != NULL) {
    cache->hits++;
  } else {
    cache->misses++;
    s = victim(cache);
    if (s->key == NULL && (s->key = malloc(sizeof(expanded_key))) == NULL) return NULL;
    expand_key(s->key, pk);
  }
  s->used = ++cache->clock;
  return s->key;
}

/* FIPS 204 ML-DSA.Verify_internal on M' = 0 || 0 || m; returns 1 when the signature is valid. */
static int verify(const expanded_key *key, const uint8_t *m, size_t mlen, const uint8_t *sig) {
  uint8_t c[CTILDEBYTES], c2[CTILDEBYTES], mu[CRHBYTES], prefix[2] = {0, 0};
  uint8_t w1_packed[K * POLYW1_PACKEDBYTES];
  polyvecl z;
  polyveck h, w1, ct1;
  poly cp;
  shake256incctx state;

  if (PQCLEAN_MLDSA87_CLEAN_unpack_sig(c, &z, &h, sig)) return 0;
  if (PQCLEAN_MLDSA87_CLEAN_polyvecl_chknorm(&z, GAMMA1 - BETA)) return 0;

  shake256_inc_init(&state);
  shake256_inc_absorb(&state, key->tr, TRBYTES);
  shake256_inc_absorb(&state, prefix, 2);
  shake256_inc_absorb(&state, m, mlen);
  shake256_inc_finalize(&state);
  shake256_inc_squeeze(mu, CRHBYTES, &state);
  shake256_inc_ctx_release(&state);

  /* w1' = UseHint(h, A z - c t1 2^d) */
  PQCLEAN_MLDSA87_CLEAN_poly_challenge(&cp, c);
  PQCLEAN_MLDSA87_CLEAN_polyvecl_ntt(&z);
  PQCLEAN_MLDSA87_CLEAN_polyvec_matrix_pointwise_montgomery(&w1, key->mat, &z);
  PQCLEAN_MLDSA87_CLEAN_poly_ntt(&cp);
  PQCLEAN_MLDSA87_CLEAN_polyveck_pointwise_poly_montgomery(&ct1, &cp, &key->t1_ntt);
  PQCLEAN_MLDSA87_CLEAN_polyveck_sub(&w1, &w1, &ct1);
  PQCLEAN_MLDSA87_CLEAN_polyveck_reduce(&w1);
  PQCLEAN_MLDSA87_CLEAN_polyveck_invntt_tomont(&w1);
  PQCLEAN_MLDSA87_CLEAN_polyveck_caddq(&w1);
  PQCLEAN_MLDSA87_CLEAN_polyveck_use_hint(&w1, &w1, &h);
  PQCLEAN_MLDSA87_CLEAN_polyveck_pack_w1(w1_packed, &w1);

  shake256_inc_init(&state);
  shake256_inc_absorb(&state, mu, CRHBYTES);
  shake256_inc_absorb(&state, w1_packed, sizeof w1_packed);
  shake256_inc_finalize(&state);
  shake256_inc_squeeze(c2, CTILDEBYTES, &state);
  shake256_inc_ctx_release(&state);
  return memcmp(c, c2, CTILDEBYTES) == 0;
}

/*
 * PQClean's only source of randomness. Signing draws its 32-byte rnd here, and the deterministic
 * variant fixes rnd = {0}^32. PQClean's key generation also calls it, so this addon must never
 * export key generation: keys come from noble's keygen on a caller's seed (ml-dsa.ts).
 */
int randombytes(uint8_t *output, size_t n) {
  memset(output, 0, n);
  return 0;
}

/* ---- Node-API ---------------------------------------------------------------------------- */

static napi_value throw_error(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

static void finalize_cache(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  key_cache *cache = data;
  for (uint32_t i = 0; i < cache->capacity; i++) free(cache->slots[i].key);
  free(cache->slots);
  free(cache->scratch);
  free(cache);
}

/* The cache an argument wraps, or NULL (with an exception pending). */
static key_cache *cache_arg(napi_env env, napi_value value) {
  napi_valuetype type;
  bool tagged = false;
  void *data = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external ||
      napi_check_object_type_tag(env, value, &CACHE_TAG, &tagged) != napi_ok || !tagged ||
      napi_get_value_external(env, value, &data) != napi_ok) {
    napi_throw_type_error(env, "ERR_QFS_NATIVE_ARG", "cache must come from createCache");
    return NULL;
  }
  return data;
}

/* The bytes of a Uint8Array argument, or NULL (with an exception pending). */
static const uint8_t *bytes_arg(napi_env env, napi_value value, size_t *length, const char *name) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_QFS_NATIVE_ARG", name);
    return NULL;
  }
  static const uint8_t empty = 0;
  return *length == 0 ? &empty : data;
}

/* createCache(keys): a cache of up to `keys` expanded keys (0 = none), freed with its object. */
static napi_value js_create_cache(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int64_t keys = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 ||
      napi_get_value_int64(env, argv[0], &keys) != napi_ok || keys < 0 || keys > CAPACITY_MAX)
    return throw_error(env, "ERR_QFS_NATIVE_ARG", "capacity must be an integer in [0, 4096]");
  key_cache *cache = calloc(1, sizeof(key_cache));
  slot *slots = keys > 0 ? calloc((size_t)keys, sizeof(slot)) : NULL;
  if (cache == NULL || (keys > 0 && slots == NULL)) {
    free(cache);
    free(slots);
    return throw_error(env, "ERR_QFS_NATIVE_MEMORY", "out of memory");
  }
  cache->slots = slots;
  cache->capacity = (uint32_t)keys;
  if (napi_create_external(env, cache, finalize_cache, NULL, &out) != napi_ok) {
    finalize_cache(env, cache, NULL);
    return throw_error(env, "ERR_QFS_NATIVE_MEMORY", "cannot create the cache object");
  }
  if (napi_type_tag_object(env, out, &CACHE_TAG) != napi_ok)
    return throw_error(env, "ERR_QFS_NATIVE_ARG", "cannot tag the cache object");
  return out;
}

/* verify(cache, publicKey, message, signature): boolean. A wrong signature length is invalid. */
static napi_value js_verify(napi_env env, napi_callback_info info) {
  size_t argc = 4, pk_len, m_len, sig_len;
  napi_value argv[4], result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4)
    return throw_error(env, "ERR_QFS_NATIVE_ARG",
                       "verify takes (cache, publicKey, message, signature)");
  key_cache *cache = cache_arg(env, argv[0]);
  if (cache == NULL) return NULL;
  const uint8_t *pk = bytes_arg(env, argv[1], &pk_len, "publicKey must be a Uint8Array");
  if (pk == NULL) return NULL;
  const uint8_t *m = bytes_arg(env, argv[2], &m_len, "message must be a Uint8Array");
  if (m == NULL) return NULL;
  const uint8_t *sig = bytes_arg(env, argv[3], &sig_len, "signature must be a Uint8Array");
  if (sig == NULL) return NULL;
  if (pk_len != PK_BYTES)
    return throw_error(env, "ERR_QFS_NATIVE_ARG", "publicKey must be 2592 bytes");

  int ok = 0;
  if (sig_len == SIG_BYTES) {
    const expanded_key *key = lookup(cache, pk);
    if (key == NULL) return throw_error(env, "ERR_QFS_NATIVE_MEMORY", "out of memory");
    ok = verify(key, m, m_len, sig);
  }
  napi_get_boolean(env, ok, &result);
  return result;
}

/* sign(secretKey, message): the 4627-byte deterministic signature of M' = 0 || 0 || message. */
static napi_value js_sign(napi_env env, napi_callback_info info) {
  static const uint8_t no_context[1] = {0};
  size_t argc = 2, sk_len, m_len, sig_len = 0;
  napi_value argv[2], buffer, out;
  void *sig = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2)
    return throw_error(env, "ERR_QFS_NATIVE_ARG", "sign takes (secretKey, message)");
  const uint8_t *sk = bytes_arg(env, argv[0], &sk_len, "secretKey must be a Uint8Array");
  if (sk == NULL) return NULL;
  const uint8_t *m = bytes_arg(env, argv[1], &m_len, "message must be a Uint8Array");
  if (m == NULL) return NULL;
  if (sk_len != SK_BYTES)
    return throw_error(env, "ERR_QFS_NATIVE_ARG", "secretKey must be 4896 bytes");
  if (napi_create_arraybuffer(env, SIG_BYTES, &sig, &buffer) != napi_ok)
    return throw_error(env, "ERR_QFS_NATIVE_MEMORY", "cannot allocate the signature");
  if (PQCLEAN_MLDSA87_CLEAN_crypto_sign_signature_ctx(sig, &sig_len, m, m_len, no_context, 0, sk) !=
          0 ||
      sig_len != SIG_BYTES)
    return throw_error(env, "ERR_QFS_NATIVE_SIGN", "signing failed");
  if (napi_create_typedarray(env, napi_uint8_array, SIG_BYTES, buffer, 0, &out) != napi_ok)
    return throw_error(env, "ERR_QFS_NATIVE_MEMORY", "cannot create the signature array");
  return out;
}

static napi_value number(napi_env env, double value) {
  napi_value out;
  napi_create_double(env, value, &out);
  return out;
}

/* cacheStats(cache): { capacity, keys, hits, misses }. */
static napi_value js_cache_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1)
    return throw_error(env, "ERR_QFS_NATIVE_ARG", "cacheStats takes (cache)");
  key_cache *cache = cache_arg(env, argv[0]);
  if (cache == NULL) return NULL;
  uint32_t keys = 0;
  for (uint32_t i = 0; i < cache->capacity; i++) keys += cache->slots[i].used != 0;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "capacity", number(env, cache->capacity));
  napi_set_named_property(env, out, "keys", number(env, keys));
  napi_set_named_property(env, out, "hits", number(env, (double)cache->hits));
  napi_set_named_property(env, out, "misses", number(env, (double)cache->misses));
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
      {"createCache", NULL, js_create_cache, NULL, NULL, NULL, napi_enumerable, NULL},
      {"verify", NULL, js_verify, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cacheStats", NULL, js_cache_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sign", NULL, js_sign, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
