import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export interface TokenOptions {
  /** sign with a key the issuer does not publish, under the published kid */
  foreignKey?: boolean;
  audience?: string;
  issuer?: string;
  /** seconds relative to now */
  expiresIn?: number;
  kid?: string;
}

export interface OidcIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** GETs of the JWKS so far */
  jwksFetches: number;
  token(claims: JWTPayload, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

/** A loopback OIDC issuer: serves its JWKS like an IdP does (GET, application/json, {keys:[…]}) and mints ES256 tokens. */
export async function startOidcIssuer(audience = 'afdp-notary'): Promise<OidcIssuer> {
  const kid = 'test-key-1';
  const signing = await generateKeyPair('ES256', { extractable: true });
  const foreign = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(signing.publicKey)), kid, alg: 'ES256', use: 'sig' };
  const state = { fetches: 0 };
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      state.fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (key: CryptoKey, claims: JWTPayload, o: TokenOptions) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: o.kid ?? kid })
      .setIssuer(o.issuer ?? base)
      .setAudience(o.audience ?? audience)
      .setIssuedAt(now - 5)
      .setExpirationTime(now + (o.expiresIn ?? 300))
      .sign(key);
  };
  return {
    issuer: base,
    jwksUrl: `${base}/jwks.json`,
    audience,
    get jwksFetches() {
      return state.fetches;
    },
    token: (claims, o = {}) => sign(o.foreignKey ? foreign.privateKey : signing.privateKey, claims, o),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
