# Writes OUT: a C++ function FUNC in namespace aitrapp returning the text of IN.
file(READ ${IN} text)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string>\nnamespace aitrapp {\nconst std::string& ${FUNC}() {\n  static const std::string text = R\"__txt__(${text})__txt__\";\n  return text;\n}\n}  // namespace aitrapp\n")
