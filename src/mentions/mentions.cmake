# The tag stage: the gazetteer (built into the binary) and the tagger.

file(GLOB ND_GAZETTEER_FILES RELATIVE ${CMAKE_SOURCE_DIR} CONFIGURE_DEPENDS gazetteer/*.jsonl)
list(SORT ND_GAZETTEER_FILES)
set(ND_GAZETTEER_PATHS "")
foreach(f IN LISTS ND_GAZETTEER_FILES)
  list(APPEND ND_GAZETTEER_PATHS ${CMAKE_SOURCE_DIR}/${f})
endforeach()
string(REPLACE ";" "\\;" ND_GAZETTEER_ARG "${ND_GAZETTEER_FILES}")
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/generated/gazetteer_data.cc
  COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -DOUTPUT=${CMAKE_BINARY_DIR}/generated/gazetteer_data.cc
          "-DFILES=${ND_GAZETTEER_ARG}" -DFUNCTION=GazetteerAssets -P ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
  DEPENDS ${ND_GAZETTEER_PATHS} ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
  COMMENT "Embedding the gazetteer")

add_library(nd_mentions STATIC src/mentions/gazetteer.cc src/mentions/tagger.cc
  ${CMAKE_BINARY_DIR}/generated/gazetteer_data.cc)
target_link_libraries(nd_mentions PUBLIC nd_common PRIVATE ICU::uc)

target_sources(newsdesk PRIVATE src/cli/mentions_command.cc)
target_link_libraries(newsdesk PRIVATE nd_mentions)

if(NEWSDESK_BUILD_TESTS)
  nd_test(mentions_test SOURCES src/mentions/tagger_test.cc src/mentions/gazetteer_test.cc LIBS nd_mentions)
endif()

add_executable(mentions_bench bench/mentions_bench.cc)
target_link_libraries(mentions_bench PRIVATE nd_mentions)
