{
  "targets": [
    {
      "target_name": "flowsight_text_lines",
      "sources": ["native/text-lines.cc", "native/route-batch.cc", "native/gunzip.cc", "native/stage-order.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-Wall", "-Wextra"],
      "cflags_cc!": ["-fno-exceptions"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
