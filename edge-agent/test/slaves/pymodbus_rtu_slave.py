"""Modbus RTU slaves served by pymodbus (Debian's python3-pymodbus), an implementation independent of ours.

Usage: pymodbus_rtu_slave.py PORT BAUD UNIT=VALUE[,VALUE...] ...
Each UNIT answers function 3 and 4 with VALUEs from register 0 on; any other unit id gets no answer at all (a dead
slave on the bus). Prints "ready" on stdout once the port is open.
"""
import asyncio
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncSerialServer
from pymodbus.transaction import ModbusRtuFramer


def slaves(specs):
    out = {}
    for spec in specs:
        unit, values = spec.split("=", 1)
        words = [int(v) & 0xFFFF for v in values.split(",")]
        block = lambda: ModbusSequentialDataBlock(0, words + [0] * 16)  # noqa: E731
        out[int(unit)] = ModbusSlaveContext(ir=block(), hr=block(), zero_mode=True)
    return out


async def main():
    port, baud, *specs = sys.argv[1:]
    context = ModbusServerContext(slaves=slaves(specs), single=False)
    server = await StartAsyncSerialServer(
        context=context,
        framer=ModbusRtuFramer,
        port=port,
        baudrate=int(baud),
        bytesize=8,
        parity="N",
        stopbits=1,
        ignore_missing_slaves=True,
        defer_start=True,
    )
    await server.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main())
