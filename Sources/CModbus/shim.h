// The one C header busbar includes. libmodbus defines its exception and protocol error codes as
// macros that add to an enum (`MODBUS_ENOBASE + n`), which Swift cannot import; they are
// re-exported here as constants. Only the `Modbus` target imports this module.
#ifndef BUSBAR_CMODBUS_SHIM_H
#define BUSBAR_CMODBUS_SHIM_H

#include <modbus.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>

static const int CModbus_EMBXILFUN = EMBXILFUN;
static const int CModbus_EMBXILADD = EMBXILADD;
static const int CModbus_EMBXILVAL = EMBXILVAL;
static const int CModbus_EMBXSFAIL = EMBXSFAIL;
static const int CModbus_EMBXACK = EMBXACK;
static const int CModbus_EMBXSBUSY = EMBXSBUSY;
static const int CModbus_EMBXNACK = EMBXNACK;
static const int CModbus_EMBXMEMPAR = EMBXMEMPAR;
static const int CModbus_EMBXGPATH = EMBXGPATH;
static const int CModbus_EMBXGTAR = EMBXGTAR;
static const int CModbus_EMBBADCRC = EMBBADCRC;
static const int CModbus_EMBBADDATA = EMBBADDATA;
static const int CModbus_EMBBADEXC = EMBBADEXC;
static const int CModbus_EMBMDATA = EMBMDATA;
static const int CModbus_EMBBADSLAVE = EMBBADSLAVE;

/// errno of the calling thread, read right after a failing call.
static inline int CModbus_errno(void) { return errno; }

#endif
