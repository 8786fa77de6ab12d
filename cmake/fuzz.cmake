# libFuzzer harnesses (included by CMakeLists.txt with -DATTN_FUZZ=ON and CXX=clang++): one executable per
# tests/fuzz/fuzz_*.cpp, linked against the core library built with ASan + UBSan. scripts/fuzz.sh runs them.
file(GLOB FUZZ_SOURCES CONFIGURE_DEPENDS tests/fuzz/fuzz_*.cpp)
foreach(source IN LISTS FUZZ_SOURCES)
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source} tests/fuzz/fixture.cpp)
  target_include_directories(${name} PRIVATE tests)
  target_link_libraries(${name} PRIVATE attn_core)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_compile_definitions(${name} PRIVATE ATTN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
endforeach()
