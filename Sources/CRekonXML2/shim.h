#ifndef CREKON_XML2_SHIM_H
#define CREKON_XML2_SHIM_H
/* Debian builds libxml2 with ICU, whose headers would then enter this module and clash with the
   copy of ICU inside Foundation ("'UErrorCode' has different definitions"). rekon uses no libxml2
   API that needs ICU types, so keep them out. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#endif
