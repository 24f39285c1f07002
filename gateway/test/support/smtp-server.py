"""A real SMTP server for the notification tests (Debian python3-aiosmtpd): listens on an ephemeral port of
127.0.0.1, prints {"port": N} once it listens, and stores every message it accepts as <dir>/<n>.eml with the
envelope in <n>.json. With --refuse it answers every recipient 550 (a server that refuses)."""
import asyncio, json, os, sys
from aiosmtpd.smtp import SMTP

class Store:
    def __init__(self, directory, refuse):
        self.directory, self.refuse, self.n = directory, refuse, 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return '550 5.1.1 <%s>: mailbox unavailable' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.directory, '%06d' % self.n)
        with open(base + '.eml.tmp', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + '.json', 'w') as f:
            json.dump({'from': envelope.mail_from, 'to': envelope.rcpt_tos}, f)
        os.rename(base + '.eml.tmp', base + '.eml')
        return '250 Message accepted for delivery'

async def main():
    directory = sys.argv[1]
    refuse = '--refuse' in sys.argv
    loop = asyncio.get_running_loop()
    store = Store(directory, refuse)  # one for all connections: it numbers the messages
    server = await loop.create_server(lambda: SMTP(store, hostname='smtp.test'), '127.0.0.1', 0)
    print(json.dumps({'port': server.sockets[0].getsockname()[1]}), flush=True)
    await server.serve_forever()

asyncio.run(main())
