// A typed array's data and its length in bytes, for the addon's functions (any element type).
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>

inline bool typedArrayBytes(napi_env env, napi_value v, uint8_t** data, size_t* bytes,
                            napi_typedarray_type* type = nullptr) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off, len;
  void* p;
  if (napi_get_typedarray_info(env, v, &t, &len, &p, &ab, &off) != napi_ok) return false;
  size_t width = 1;
  switch (t) {
    case napi_uint16_array:
    case napi_int16_array:
      width = 2;
      break;
    case napi_uint32_array:
    case napi_int32_array:
    case napi_float32_array:
      width = 4;
      break;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      width = 8;
      break;
    default:
      break;
  }
  *data = static_cast<uint8_t*>(p);
  *bytes = len * width;
  if (type != nullptr) *type = t;
  return true;
}
