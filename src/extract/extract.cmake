# The extract stage: article pages to articles (gumbo for HTML, CLD2 for the
# language). Included from the top-level CMakeLists.txt, which defines
# nd_common, finds gumbo (PkgConfig::GUMBO) and CLD2 (CLD2_LIBRARY,
# CLD2_INCLUDE_DIR) and, when tests are built, nd_test().

add_library(nd_extract STATIC
  src/extract/extractor.cc src/extract/content.cc src/extract/content_measures.cc
  src/extract/content_prepare.cc src/extract/content_boilerplate.cc src/extract/blocks.cc src/extract/metadata.cc
  src/extract/dom.cc src/extract/selector.cc src/extract/language.cc)
target_include_directories(nd_extract PRIVATE ${CLD2_INCLUDE_DIR})
target_link_libraries(nd_extract PUBLIC nd_common PRIVATE PkgConfig::GUMBO ${CLD2_LIBRARY})

# `newsdesk extract`
target_sources(newsdesk PRIVATE src/cli/extract_command.cc)
target_link_libraries(newsdesk PRIVATE nd_extract)

# Quality scoring shared by the quality test and bench/extract
# (`extract_score`): token-level precision, recall and F1 over the fixtures.
add_library(nd_extract_scoring STATIC src/extract/scoring.cc)
target_link_libraries(nd_extract_scoring PUBLIC nd_extract nd_common PRIVATE PkgConfig::GUMBO ICU::uc)
add_executable(extract_score src/extract/score_main.cc)
target_link_libraries(extract_score PRIVATE nd_extract_scoring)

if(BUILD_TESTING)
  nd_test(extract_test SOURCES src/extract/extractor_test.cc src/extract/language_test.cc
          LIBS nd_extract PkgConfig::GUMBO)
  nd_test(extract_quality_test SOURCES src/extract/quality_test.cc LIBS nd_extract_scoring)

  # The extractor's libFuzzer target, run briefly (clang, built outside CMake).
  add_test(NAME fuzz_extract COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run.sh extract 20)
  set_tests_properties(fuzz_extract PROPERTIES TIMEOUT 300)
endif()
