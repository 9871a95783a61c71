export { API_KEY_PREFIX, hashApiKey, SqlApiKeyStore, type ApiKeyInfo } from './api-key-store.js';
export { Authenticator, type AuthenticatorOptions, type Credentials } from './authenticator.js';
export { JwtVerifier, type JwtVerifierOptions } from './jwt-verifier.js';
export { hasCertificate, principalFromCertificate, type PeerCertificate } from './mtls.js';
