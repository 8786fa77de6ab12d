# WebAssembly build of the engine (included by CMakeLists.txt under emcmake): one ES module + .wasm that expose
# attn::Translator through Embind. Configure twice from the same sources — with -DATTN_WASM_SIMD=ON (SIMD128
# kernels) and without (baseline) — as scripts/build-web.sh does; web/attention-translator.js picks one at run time.
option(ATTN_WASM_SIMD "Compile the wasm SIMD128 kernels (-msimd128)" OFF)

# nlohmann_json's imported target puts all of /usr/include on the include path, which would shadow Emscripten's
# own libc headers with the host's; expose only the nlohmann directory instead.
get_target_property(ATTN_JSON_INCLUDE_DIRS nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
list(GET ATTN_JSON_INCLUDE_DIRS 0 ATTN_JSON_INCLUDE_DIR)
set(ATTN_WASM_JSON_INCLUDE "${CMAKE_BINARY_DIR}/wasm-include")
file(MAKE_DIRECTORY "${ATTN_WASM_JSON_INCLUDE}")
file(CREATE_LINK "${ATTN_JSON_INCLUDE_DIR}/nlohmann" "${ATTN_WASM_JSON_INCLUDE}/nlohmann" SYMBOLIC)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${ATTN_WASM_JSON_INCLUDE}")

# -fexceptions everywhere: the bindings catch the engine's exceptions to hand their messages to JS, and unwinding
# must run destructors on the way (or every failed model load would leak what it had allocated).
# Eigen (linked for the trainer) has SSE code paths that do not compile for wasm.
target_compile_options(attn_core PUBLIC -fexceptions)
target_compile_definitions(attn_core PUBLIC EIGEN_DONT_VECTORIZE)
if(ATTN_WASM_SIMD)
  target_compile_options(attn_core PUBLIC -msimd128)
  set(ATTN_WASM_VARIANT simd)
else()
  set(ATTN_WASM_VARIANT base)
endif()

# Size budget (each .wasm ≤ 400 KB) versus speed: the inference hot path (kernels, forward pass, search) keeps -O3;
# the parsers that dominate model loading (tokenizer, safetensors) get -O2 — at -Os they load 3× slower, because
# byte loops stop being inlined and every call under a destructor goes through Emscripten's JS exception trampoline;
# everything else (model checks, sentence splitting, Unicode tables, the bindings) is compiled for size.
get_target_property(ATTN_CORE_SOURCES attn_core SOURCES)
foreach(source IN LISTS ATTN_CORE_SOURCES ITEMS src/wasm/bindings.cpp)
  if(source MATCHES "src/text/tokenizer|src/format/safetensors")
    set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS -O2)
  elseif(NOT source MATCHES "src/kernels/|src/model/forward|src/model/gru|src/search/")
    set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS -Os)
  endif()
endforeach()

add_executable(attn_wasm src/wasm/bindings.cpp)
target_link_libraries(attn_wasm PRIVATE attn_core)
set_target_properties(attn_wasm PROPERTIES OUTPUT_NAME "attn-${ATTN_WASM_VARIANT}" SUFFIX ".js")
target_link_options(attn_wasm PRIVATE
  --bind -O3 -fexceptions
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createAttnModule
  -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=web,worker,node
  # The page, not the engine, decides what an unhandled error means.
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0
  # No eval/new Function (Embind's default invokers), so pages with a strict CSP (no 'unsafe-eval') can use it.
  -sDYNAMIC_EXECUTION=0
  "SHELL:--extern-pre-js ${CMAKE_SOURCE_DIR}/src/wasm/es-module-prelude.js")
set_property(TARGET attn_wasm APPEND PROPERTY LINK_DEPENDS "${CMAKE_SOURCE_DIR}/src/wasm/es-module-prelude.js")
