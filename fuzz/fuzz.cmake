# issue 18, fuzzed front door: fuzz/http_fuzz.cc drives the real site
# through the real HttpServer on loopback (docs/testing.md).
#
# In the instrumented clang build (-DND_FUZZ=ON, `make sanitize`, `make
# fuzz-http`) every library has libFuzzer's coverage and the sanitizers, and
# the target is an ordinary executable linked with -fsanitize=fuzzer. In the
# ordinary g++ build (`make test`) only the driver is compiled by clang (the
# launcher fuzz/with_clang.sh), against the g++ libraries just built: a
# clean clone then pays one more file, not a second build of src/.
if(ND_FUZZ)
  add_executable(http_fuzz fuzz/http_fuzz.cc)
  target_link_options(http_fuzz PRIVATE -fsanitize=fuzzer)
elseif(BUILD_TESTING)
  find_program(ND_CLANGXX clang++)
  if(NOT ND_CLANGXX)
    message(FATAL_ERROR "clang++ not found: scripts/install-deps --test installs clang (for the fuzz targets)")
  endif()
  add_executable(http_fuzz fuzz/http_fuzz.cc)
  set_target_properties(http_fuzz PROPERTIES
    CXX_COMPILER_LAUNCHER ""
    RULE_LAUNCH_COMPILE "bash ${CMAKE_SOURCE_DIR}/fuzz/with_clang.sh compile"
    RULE_LAUNCH_LINK "bash ${CMAKE_SOURCE_DIR}/fuzz/with_clang.sh link")
endif()
if(TARGET http_fuzz)
  target_link_libraries(http_fuzz PRIVATE nd_server nd_import nd_search nd_readers nd_mentions spdlog::spdlog)
  target_compile_definitions(http_fuzz PRIVATE ND_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
endif()
if(BUILD_TESTING)
  add_test(NAME fuzz_http COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run.sh http 20 $<TARGET_FILE:http_fuzz>)
  set_tests_properties(fuzz_http PROPERTIES TIMEOUT 300)
endif()
