# The tag stage: the gazetteer (built into the binary) and the tagger.

nd_embed(OUTPUT ${CMAKE_BINARY_DIR}/generated/gazetteer_data.cc FUNCTION GazetteerAssets
         GLOBS gazetteer/entities.jsonl)

add_library(nd_mentions STATIC src/mentions/gazetteer.cc src/mentions/tagger.cc src/mentions/words.cc
  src/mentions/candidates.cc src/mentions/knowledge.cc
  ${CMAKE_BINARY_DIR}/generated/gazetteer_data.cc)
find_library(STEMMER_LIBRARY NAMES stemmer REQUIRED)
target_link_libraries(nd_mentions PUBLIC nd_common nd_store PRIVATE ICU::uc ${STEMMER_LIBRARY})

target_sources(newsdesk PRIVATE src/cli/mentions_command.cc src/cli/entities_command.cc)
target_link_libraries(newsdesk PRIVATE nd_mentions)

if(BUILD_TESTING)
  add_test(NAME entities_cli_test COMMAND bash ${CMAKE_SOURCE_DIR}/tests/entities_cli_test.sh $<TARGET_FILE:newsdesk>)
  set_tests_properties(entities_cli_test PROPERTIES TIMEOUT 120)
  nd_test(mentions_test SOURCES src/mentions/tagger_test.cc src/mentions/gazetteer_test.cc src/mentions/candidates_test.cc LIBS nd_mentions)
endif()

add_executable(mentions_bench bench/mentions_bench.cc)
target_link_libraries(mentions_bench PRIVATE nd_mentions)
