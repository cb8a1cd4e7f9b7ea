// An OID4VCI 1.0 wallet built on the OpenWallet Foundation's @openid4vc/openid4vci client (not written here):
// resolves a credential offer link, reads the issuer and authorization-server metadata, trades the pre-authorized
// code and tx_code for an access token, asks for a c_nonce, signs a key proof with a fresh key (Ed25519 did:key, or
// P-256 did:jwk) and retrieves the credential. Input (stdin, JSON): {offer, txCode, configuration, keyType}.
// Output (stdout, JSON): {holder, issuer, configurationIds, credentials, tokenType}.
import {createHash, randomBytes} from 'node:crypto';
import {clientAuthenticationAnonymous, setGlobalConfig} from '@openid4vc/oauth2';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {SignJWT, exportJWK, generateKeyPair} from 'jose';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58btc(bytes) {
  let value = BigInt('0x' + Buffer.from(bytes).toString('hex'));
  let out = '';
  while(value > 0n) {
    out = BASE58[Number(value % 58n)] + out;
    value /= 58n;
  }
  for(const byte of bytes) {
    if(byte !== 0) {
      break;
    }
    out = '1' + out;
  }
  return out;
}

async function holderKey(keyType) {
  if(keyType === 'did:jwk') {
    const {publicKey, privateKey} = await generateKeyPair('ES256', {extractable: true});
    const {kty, crv, x, y} = await exportJWK(publicKey);
    const did = 'did:jwk:' + Buffer.from(JSON.stringify({crv, kty, x, y})).toString('base64url');
    return {did, kid: `${did}#0`, alg: 'ES256', privateKey};
  }
  const {publicKey, privateKey} = await generateKeyPair('EdDSA', {crv: 'Ed25519', extractable: true});
  const raw = Buffer.from((await exportJWK(publicKey)).x, 'base64url');
  const multibase = 'z' + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), raw]));
  const did = `did:key:${multibase}`;
  return {did, kid: `${did}#${multibase}`, alg: 'EdDSA', privateKey};
}

async function main() {
  const input = JSON.parse(await new Promise(resolve => {
    let data = '';
    process.stdin.on('data', chunk => data += chunk);
    process.stdin.on('end', () => resolve(data));
  }));
  // The live test server speaks plain HTTP on loopback.
  setGlobalConfig({allowInsecureUrls: true});
  const key = await holderKey(input.keyType);
  const client = new Openid4vciClient({
    callbacks: {
      hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
      generateRandom: length => randomBytes(length),
      clientAuthentication: clientAuthenticationAnonymous(),
      signJwt: async (signer, {header, payload}) => {
        const jwt = await new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
        return {jwt, signerJwk: {}};
      }
    }
  });
  const credentialOffer = await client.resolveCredentialOffer(input.offer);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer, issuerMetadata, txCode: input.txCode
  });
  const configuration = input.configuration ?? credentialOffer.credential_configuration_ids[0];
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata, credentialConfigurationId: configuration, nonce,
    signer: {method: 'did', didUrl: key.kid, alg: key.alg}
  });
  const response = await client.retrieveCredentials({
    issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configuration,
    proofs: {jwt: [jwt]}
  });
  const body = response.credentialResponse;
  process.stdout.write(JSON.stringify({
    holder: key.did,
    issuer: credentialOffer.credential_issuer,
    configurationIds: credentialOffer.credential_configuration_ids,
    tokenType: accessTokenResponse.token_type,
    credentials: (body.credentials ?? []).map(entry => entry.credential)
  }));
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n${JSON.stringify(error.errorResponse ?? error.response ?? '')}\n`);
  process.exit(1);
});
