#ifndef CREKON_XML2_SHIM_H
#define CREKON_XML2_SHIM_H
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#endif
