/** The XY-MD02 simulator answering a real modbus-serial client over TCP (ephemeral port). */
import ModbusSerial from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Xymd02, startModbusTcpServer, type ModbusSimServer } from '../../src/devices/index.js';

const fixedClock = (t: number) => ({ now: () => t });

describe('Xymd02 over Modbus TCP', () => {
  const sensor = new Xymd02({ unitId: 1, clock: fixedClock(1_700_000_000_000) });
  let server: ModbusSimServer;
  const client = new ModbusSerial.default();

  beforeAll(async () => {
    server = await startModbusTcpServer([sensor]);
    await client.connectTCP('127.0.0.1', { port: server.port as number });
    client.setID(1);
    client.setTimeout(300);
  });
  afterAll(async () => {
    await new Promise<void>((r) => client.close(() => r()));
    await server.close();
  });

  it('answers FC04 with the served values', async () => {
    const res = await client.readInputRegisters(1, 2);
    const v = sensor.valueAt();
    expect(res.data).toEqual([Math.round(v.temperature * 10) & 0xffff, Math.round(v.humidity * 10)]);
  });

  it('answers an unmapped register with exception 2 (illegal data address)', async () => {
    await expect(client.readInputRegisters(5, 1)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('takes an offset written with FC06', async () => {
    const before = sensor.valueAt().temperature;
    await client.writeRegister(0x0103, 10);
    expect(sensor.valueAt().temperature).toBeCloseTo(before + 1, 6);
    await client.writeRegister(0x0103, 0);
  });

  it('stays silent when told to stop answering', async () => {
    sensor.setAnswering(false);
    try {
      await expect(client.readInputRegisters(1, 1)).rejects.toMatchObject({ errno: 'ETIMEDOUT' });
    } finally {
      sensor.setAnswering(true);
    }
    expect((await client.readInputRegisters(1, 1)).data).toHaveLength(1);
  });
});
