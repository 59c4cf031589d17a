# cmake -DDOCS_DIR=<docs/checks> -DOUT=<CheckDocs.inc> -P EmbedDocs.cmake
#
# Writes one initializer per check page, {"taskleak-<page>", R"(<markdown>)"},
# for Report.cpp's table of rule descriptions.
file(GLOB docs ${DOCS_DIR}/*.md)
list(SORT docs)
set(out "// Generated from docs/checks/*.md by tools/taskleak/EmbedDocs.cmake.\n")
foreach(doc IN LISTS docs)
  get_filename_component(name ${doc} NAME_WE)
  file(READ ${doc} text)
  string(FIND "${text}" ")taskleak_doc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${doc} contains the raw string delimiter )taskleak_doc\"")
  endif()
  string(APPEND out "{\"taskleak-${name}\", R\"taskleak_doc(${text})taskleak_doc\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
file(REMOVE ${OUT}.tmp)
