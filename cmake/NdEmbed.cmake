# nd_embed(OUTPUT file FUNCTION name GLOBS pattern...): generate `file`, a C++
# source defining newsdesk::name() with every file the globs match (relative
# to the source root) built in; regenerated when one of them changes.
function(nd_embed)
  cmake_parse_arguments(E "" "OUTPUT;FUNCTION" "GLOBS" ${ARGN})
  file(GLOB_RECURSE files RELATIVE ${CMAKE_SOURCE_DIR} CONFIGURE_DEPENDS ${E_GLOBS})
  list(SORT files)
  set(paths "")
  foreach(f IN LISTS files)
    list(APPEND paths ${CMAKE_SOURCE_DIR}/${f})
  endforeach()
  string(REPLACE ";" "\\;" files_arg "${files}")
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -DOUTPUT=${E_OUTPUT} "-DFILES=${files_arg}"
            -DFUNCTION=${E_FUNCTION} -P ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
    DEPENDS ${paths} ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
    COMMENT "Embedding ${E_FUNCTION}")
endfunction()
