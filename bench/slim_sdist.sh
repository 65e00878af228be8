#!/usr/bin/env bash
# Make the slimmed llama-cpp-python 0.3.36 source (~5 MB) that travels to the GPU machine:
# the 77 MB sdist without docs, tests, examples, vocab files and non-CUDA/CPU backends.
#   bash bench/slim_sdist.sh DEST_DIR
set -euo pipefail
DEST=${1:?dest dir}
TMP=$(mktemp -d)
python3 -m pip download -q --no-deps --no-binary :all: llama-cpp-python==0.3.36 -d "$TMP"
tar xzf "$TMP"/llama_cpp_python-0.3.36.tar.gz -C "$TMP"
S="$TMP/llama_cpp_python-0.3.36"
V="$S/vendor/llama.cpp"
rm -rf "$S"/{docs,examples,tests,docker,.git,.github} "$V"/.github \
  "$V"/{docs,models,tests,examples,benches,media,pocs,app,gguf-py,conversion,scripts,skills,ci,grammars,requirements} \
  "$V"/tools
for b in "$V"/ggml/src/ggml-*/; do
  case "$(basename "$b")" in ggml-cuda|ggml-cpu) ;; *) rm -rf "$b" ;; esac
done
mkdir -p "$DEST"
tar czf "$DEST/llama_cpp_python-0.3.36-slim.tar.gz" -C "$TMP" llama_cpp_python-0.3.36
rm -rf "$TMP"
ls -la "$DEST/llama_cpp_python-0.3.36-slim.tar.gz"
