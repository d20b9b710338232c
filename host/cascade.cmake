# Cascade reconciliation sources, tests and qkd-cascade.
# The C reference Cascade (docs/cascade.md, docs/protocol.md "Cascade batches").
add_library(qkdcascade STATIC
  cascade_perm.c
  cascade_params.c
  cascade_alice.c
  cascade_bob.c
  cascade_local.c)
# The whole-table Feistel loop is written to be vectorised; -O3 lets GCC do it.
set_source_files_properties(cascade_perm.c PROPERTIES COMPILE_OPTIONS -O3)
target_include_directories(qkdcascade PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(qkdcascade PUBLIC qkdcommon)

add_executable(qkd-cascade tools/qkd_cascade.c)
target_link_libraries(qkd-cascade PRIVATE qkdcascade)

qkd_add_test(cascade_perm_test SOURCES tests/cascade_perm_test.cc LIBS qkdcascade LABELS unit)
qkd_add_test(cascade_params_test SOURCES tests/cascade_params_test.cc LIBS qkdcascade LABELS unit)
qkd_add_test(cascade_alice_test SOURCES tests/cascade_alice_test.cc LIBS qkdcascade LABELS unit)
qkd_add_test(cascade_bob_test SOURCES tests/cascade_bob_test.cc LIBS qkdcascade LABELS unit)
qkd_add_test(cascade_local_test SOURCES tests/cascade_local_test.cc LIBS qkdcascade LABELS unit)
qkd_add_test(cascade_sweep_test SOURCES tests/cascade_sweep_test.cc LIBS qkdcascade LABELS slow)
qkd_add_test(qkd_cascade_cli_test SOURCES tests/qkd_cascade_cli_test.cc LIBS qkdcascade LABELS unit)
target_compile_definitions(qkd_cascade_cli_test PRIVATE QKD_CASCADE_BIN="$<TARGET_FILE:qkd-cascade>")
add_dependencies(qkd_cascade_cli_test qkd-cascade)
qkd_add_test(cascade_digest_test SOURCES tests/cascade_digest_test.cc LIBS qkdcascade LABELS unit)
qkd_add_fuzz(cascade_msg_fuzz SOURCES fuzz/cascade_msg_fuzz.c LIBS qkdcascade CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/cascade_msg)
