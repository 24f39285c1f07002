/**
 * How a scenario's nodes log in to the broker. Open brokers need nothing; a gateway whose embedded broker admits only
 * issued credentials (COLDTRACE_MQTT_AUTH=credentials, docs/security.md) issues one per node through its API, as a
 * provisioning step would, and the node connects with the client id that belongs to it.
 */
export interface NodeLogin {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
}

export type LoginOf = (site: string, node: string) => Promise<NodeLogin>;

/** No credentials: a client id unique to this process. */
export const anonymous: LoginOf = (_site, node) => Promise.resolve({ clientId: `${node}-${process.pid}` });

/** A credential issued by the gateway at `httpUrl` (its admin API key in `apiKey`, when its API asks for one). */
export function issuedLogin(httpUrl: string, apiKey?: string): LoginOf {
  return async (site, node) => {
    const res = await fetch(`${httpUrl}/api/v1/credentials/nodes/${encodeURIComponent(site)}/${encodeURIComponent(node)}`, {
      method: 'POST', headers: apiKey !== undefined && apiKey !== '' ? { authorization: `Bearer ${apiKey}` } : {},
    });
    if (res.status !== 201) throw new Error(`the gateway did not issue ${site}/${node} a credential: HTTP ${res.status} ${await res.text()}`);
    const c = (await res.json()) as { clientId: string; username: string; password: string };
    return { clientId: c.clientId, username: c.username, password: c.password };
  };
}
