// Gunzip for the parse workers (src/ingest/parse/native.ts, nativeGunzip): zlib's inflate (Node's
// own zlib, whose symbols the node binary exports) into the caller's reused output buffer, so a
// file's text costs no Buffer per chunk and no stream. Like Node's createGunzip, it reads
// multi-member files, takes zero bytes after a member as padding, and calls input that ends
// inside a member "unexpected end of file"; unlike it, a member after zero padding is read, not
// dropped.

#include <node_api.h>

#include "typed-array.h"
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

struct Gz {
  z_stream s;
  bool ended = false;  // a member ended and nothing but padding followed yet
};

void finalize(napi_env, void* data, void*) {
  Gz* g = static_cast<Gz*>(data);
  inflateEnd(&g->s);
  delete g;
}

bool bytesOf(napi_env env, napi_value v, uint8_t** data, size_t* length) {
  napi_typedarray_type t;
  return typedArrayBytes(env, v, data, length, &t) && t == napi_uint8_array;
}

napi_value Throw(napi_env env, const std::string& msg) {
  napi_throw_error(env, "Z_DATA_ERROR", msg.c_str());
  return nullptr;
}

/** gunzipCreate(): a gunzip state */
napi_value Create(napi_env env, napi_callback_info) {
  Gz* g = new Gz();
  memset(&g->s, 0, sizeof g->s);
  if (inflateInit2(&g->s, 15 + 16) != Z_OK) {
    delete g;
    return Throw(env, "cannot start zlib");
  }
  napi_value ext;
  if (napi_create_external(env, g, finalize, nullptr, &ext) != napi_ok) {
    inflateEnd(&g->s);
    delete g;
    return Throw(env, "cannot create the gunzip state");
  }
  return ext;
}

/**
 * gunzip(state, input, from, to, output, result Float64Array(2)): inflates input[from..to) into
 * output until the input is used up or the output is full. result: [input bytes used, output
 * bytes written]. Throws zlib's message on corrupt data.
 */
napi_value Run(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 6)
    return Throw(env, "gunzip needs 6 arguments");
  Gz* g;
  if (napi_get_value_external(env, argv[0], reinterpret_cast<void**>(&g)) != napi_ok)
    return Throw(env, "not a gunzip state");
  uint8_t *in, *out, *res;
  size_t inLen, outLen, resBytes;
  uint32_t from, to;
  napi_typedarray_type t;
  if (!bytesOf(env, argv[1], &in, &inLen) || !bytesOf(env, argv[4], &out, &outLen) ||
      napi_get_value_uint32(env, argv[2], &from) != napi_ok || napi_get_value_uint32(env, argv[3], &to) != napi_ok ||
      !typedArrayBytes(env, argv[5], &res, &resBytes, &t) || t != napi_float64_array || resBytes < 16 ||
      from > to || to > inLen)
    return Throw(env, "gunzip arguments out of range");
  z_stream& s = g->s;
  s.next_in = in + from;
  s.avail_in = to - from;
  s.next_out = out;
  s.avail_out = static_cast<uInt>(outLen);
  while (s.avail_out > 0 && s.avail_in > 0) {
    if (g->ended) {
      // like Node: zero bytes after a member are padding, anything else starts the next member
      while (s.avail_in > 0 && s.next_in[0] == 0x00) {
        s.next_in++;
        s.avail_in--;
      }
      if (s.avail_in == 0) break;
      inflateReset(&s);
      g->ended = false;
    }
    const int err = inflate(&s, Z_NO_FLUSH);
    if (err == Z_STREAM_END) {
      g->ended = true;
      continue;
    }
    if (err == Z_BUF_ERROR) break;  // needs more input or more room
    if (err != Z_OK) return Throw(env, s.msg != nullptr ? s.msg : "invalid gzip data");
  }
  double* r = reinterpret_cast<double*>(res);
  r[0] = static_cast<double>((to - from) - s.avail_in);
  r[1] = static_cast<double>(outLen - s.avail_out);
  return nullptr;
}

/** gunzipEnded(state): the input ended: true when the last member was complete */
napi_value Ended(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Gz* g;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_get_value_external(env, argv[0], reinterpret_cast<void**>(&g)) != napi_ok)
    return Throw(env, "gunzipEnded arguments");
  napi_value r;
  napi_get_boolean(env, g->ended, &r);
  return r;
}

}  // namespace

napi_value RegisterGunzip(napi_env env, napi_value exports) {
  const napi_property_descriptor fns[] = {
      {"gunzipCreate", nullptr, Create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gunzip", nullptr, Run, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gunzipEnded", nullptr, Ended, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns) != napi_ok) return nullptr;
  return exports;
}
