# qkd_add_test(NAME [NO_MAIN] SOURCES ... LIBS ... LABELS ...)
# Builds one GoogleTest binary and registers it with ctest under the given labels
# (unit, rtl, fuzz, interop, slow). Tests run from the build tree's root so that
# relative tool paths in tests resolve the same way everywhere. NO_MAIN: the test
# brings its own main() (to read extra arguments such as Verilator's +trace).
function(qkd_add_test name)
  cmake_parse_arguments(T "NO_MAIN" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  if(T_NO_MAIN)
    target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest Threads::Threads)
  else()
    target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest_main Threads::Threads)
  endif()
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

# qkd_add_fuzz(NAME SOURCES ... LIBS ... CORPUS dir)
# Builds a libFuzzer target (only with -DQKD_FUZZ=ON and clang) and registers a
# short run under the ctest label `fuzz`. New inputs go to a scratch folder in the
# build tree; the seed corpus in the repository is only read.
function(qkd_add_fuzz name)
  if(NOT QKD_FUZZ)
    return()
  endif()
  cmake_parse_arguments(F "" "CORPUS;SECONDS" "SOURCES;LIBS" ${ARGN})
  if(NOT F_SECONDS)
    set(F_SECONDS ${QKD_FUZZ_SECONDS})
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 20)
  endif()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  add_dependencies(fuzz-targets ${name})
  set(scratch ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
  file(MAKE_DIRECTORY ${scratch})
  add_test(NAME ${name} COMMAND ${name} -max_total_time=${F_SECONDS} -timeout=10 -rss_limit_mb=2048
           ${scratch} ${F_CORPUS})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()
