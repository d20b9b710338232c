# qkd_add_test(NAME SOURCES ... LIBS ... LABELS ...)
# Builds one GoogleTest binary and registers it with ctest under the given labels
# (unit, rtl, fuzz, interop, slow). Tests run from the build tree's root so that
# relative tool paths in tests resolve the same way everywhere.
function(qkd_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest_main Threads::Threads)
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QKD_BUILD_DIR=${CMAKE_BINARY_DIR}")
endfunction()
