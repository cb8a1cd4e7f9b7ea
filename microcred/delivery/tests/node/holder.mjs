// A VC-API holder built on the Digital Bazaar libraries (not written here: @digitalbazaar/vc signPresentation and
// verifyCredential, @digitalbazaar/ed25519-multikey, @digitalbazaar/data-integrity with the eddsa-rdfc-2022
// cryptosuite, and the legacy Ed25519Signature2020 suite the Learner Credential Wallet signs with), run against a
// live microcred over HTTP.
//
// Input (stdin, JSON):
//   {"op": "receive", "exchangeUrl", "suite": "eddsa-rdfc-2022"|"Ed25519Signature2020", "form": "vc-api"|"lcw",
//    "challenge" (form lcw: the deep link's)}
//     -> runs the exchange (VC-API: POST {} for the request, then the signed DID-auth presentation; lcw: POST the
//        bare presentation, as LCW's deep link does), verifies the credential it receives (issuer's did:web and
//        status list fetched over HTTP) -> {holder, keyPair, request, credential, verified, statusRevoked, error}
//   {"op": "present", "exchangeUrl", "keyPair", "credentials": [...]}
//     -> POST {} for the employer's request, picks the credentials its QueryByExample matches, signs a presentation
//        of them for the challenge and domain, POSTs it -> {request, matched, status, answer}
//   {"op": "oid4vp", "link", "keyPair", "credentials": [...]}
//     -> answers an OpenID4VP 1.0 request with Digital Bazaar's OID4 client (@digitalbazaar/oid4-client: fetches the
//        request_uri, converts the DCQL query to a VPR, sends vp_token by direct_post) -> {request, vpr, matched,
//        result}
//   {"op": "oid4vp-owf", "link", "keyPair", "credentials": [...]}
//     -> answers an OpenID4VP 1.0 request by value with the OpenWallet Foundation's client (@openid4vc/openid4vp):
//        parse and resolve the request, sign an ldp_vp for its nonce and client_id, submit by direct_post
//        -> {request, dcql, status, body}
//   {"op": "verify", "credential"} -> {verified, statusRevoked, error}
// Contexts come only from microcred/vc/contexts (bundled); did:web documents and status lists are fetched from the
// server over HTTP (loopback: the test server speaks plain HTTP).
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gunzipSync} from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {oid4vp} from '@digitalbazaar/oid4-client';
import {setGlobalConfig} from '@openid4vc/oauth2';
import {Openid4vpClient} from '@openid4vc/openid4vp';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTEXTS_DIR = join(HERE, '..', '..', '..', 'vc', 'contexts');
const BUNDLED = new Map();
for(const [url, file] of Object.entries(JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8')))) {
  BUNDLED.set(url, JSON.parse(readFileSync(join(CONTEXTS_DIR, file), 'utf8')));
}

function didWebUrl(did) {
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  const decoded = decodeURIComponent(host);
  // did:web means https; the live test server is plain HTTP on loopback
  const scheme = decoded.startsWith('localhost') || decoded.startsWith('127.0.0.1') ? 'http' : 'https';
  return `${scheme}://${decoded}/${path.length ? path.join('/') + '/did.json' : '.well-known/did.json'}`;
}

async function getJson(url) {
  const response = await fetch(url, {headers: {Accept: 'application/json'}});
  if(!response.ok) {
    throw new Error(`GET ${url}: ${response.status}`);
  }
  return response.json();
}

async function documentLoader(url) {
  if(BUNDLED.has(url)) {
    return {contextUrl: null, documentUrl: url, document: BUNDLED.get(url)};
  }
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const document = await getJson(didWebUrl(did));
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document};
    }
    const method = (document.verificationMethod || []).find(m => m.id === url || m.id === `#${fragment}`);
    if(!method) {
      throw new Error(`${did} does not list ${url}`);
    }
    return {contextUrl: null, documentUrl: url,
      document: {'@context': document['@context'], ...method, controller: method.controller || did}};
  }
  throw new Error(`Refusing to load ${url}`);
}

async function holderKey(suiteName, saved) {
  if(suiteName === 'Ed25519Signature2020') {
    const key = saved ? await Ed25519VerificationKey2020.from(saved) : await Ed25519VerificationKey2020.generate();
    const did = `did:key:${key.fingerprint()}`;
    key.controller = did;
    key.id = `${did}#${key.fingerprint()}`;
    return {did, suite: new Ed25519Signature2020({key}), exported: await key.export({publicKey: true,
      privateKey: true, includeContext: true}), version: 1.0};
  }
  const key = saved ? await Ed25519Multikey.from(saved) : await Ed25519Multikey.generate();
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  const exported = await key.export({publicKey: true, secretKey: true, includeContext: true});
  return {did, suite: new DataIntegrityProof({signer: key.signer(), cryptosuite: eddsaRdfc2022}), exported,
    version: 2.0};
}

async function post(url, body) {
  const response = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body)});
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch{
    json = {raw: text};
  }
  return {status: response.status, json};
}

// Bitstring Status List v1.0: the list credential is fetched, verified with @digitalbazaar/vc, and the bit read.
async function checkStatus({credential}) {
  const entries = [].concat(credential.credentialStatus || []);
  for(const entry of entries) {
    const list = await getJson(entry.statusListCredential);
    const result = await vc.verifyCredential({credential: list, suite: verifySuites(), documentLoader});
    if(!result.verified) {
      return {verified: false, error: new Error('the status list does not verify')};
    }
    const encoded = list.credentialSubject.encodedList;
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    const index = Number(entry.statusListIndex);
    const set = (bits[index >> 3] >> (7 - (index % 8))) & 1;
    if(set) {
      return {verified: false, error: new Error(`status ${entry.statusPurpose} is set`)};
    }
  }
  return {verified: true};
}

function verifySuites() {
  return [new DataIntegrityProof({cryptosuite: eddsaRdfc2022}), new Ed25519Signature2020()];
}

async function verifyReceived(credential) {
  const result = await vc.verifyCredential({credential, suite: verifySuites(), documentLoader, checkStatus});
  const statusError = result.statusResult && !result.statusResult.verified;
  return {
    verified: result.verified,
    statusRevoked: Boolean(statusError),
    error: result.verified ? null : String(result.error?.errors?.[0]?.message || result.error?.message ||
      result.statusResult?.error?.message || 'not verified')
  };
}

// The VC-API QueryByExample match, as the Learner Credential Wallet does it: every literal of the example equals
// the credential's value at that path; array values must all be present.
function matches(example, value) {
  if(Array.isArray(example)) {
    const have = [].concat(value ?? []);
    return example.every(item => have.includes(item));
  }
  if(example && typeof example === 'object') {
    return value && typeof value === 'object' && Object.entries(example).every(([k, v]) => matches(v, value[k]));
  }
  if(Array.isArray(value)) {
    return value.includes(example);
  }
  return value === example;
}

async function receive(input) {
  const holder = await holderKey(input.suite, null);
  let request = null;
  let challenge = input.challenge;
  let domain;
  if(input.form !== 'lcw') {
    const first = await post(input.exchangeUrl, {});
    if(first.status !== 200) {
      return {error: `POST {} answered ${first.status}: ${JSON.stringify(first.json)}`};
    }
    request = first.json.verifiablePresentationRequest;
    ({challenge, domain} = request);
  }
  const presentation = vc.createPresentation({holder: holder.did, version: holder.version});
  const signed = await vc.signPresentation({presentation, suite: holder.suite, challenge, domain, documentLoader});
  const body = input.form === 'lcw' ? signed : {verifiablePresentation: signed};
  const endpoint = request?.interact?.service?.[0]?.serviceEndpoint ?? input.exchangeUrl;
  const answer = await post(endpoint, body);
  if(answer.status !== 200) {
    return {holder: holder.did, request, status: answer.status, answer: answer.json, presented: signed};
  }
  const received = input.form === 'lcw' ? answer.json : answer.json.verifiablePresentation;
  const [credential] = [].concat(received.verifiableCredential);
  return {holder: holder.did, keyPair: holder.exported, suite: input.suite, request, credential,
    ...(await verifyReceived(credential))};
}

async function present(input) {
  const holder = await holderKey(input.suite || 'eddsa-rdfc-2022', input.keyPair);
  const first = await post(input.exchangeUrl, {});
  if(first.status !== 200) {
    return {error: `POST {} answered ${first.status}: ${JSON.stringify(first.json)}`};
  }
  const request = first.json.verifiablePresentationRequest;
  const examples = [].concat(request.query).filter(q => q.type === 'QueryByExample')
    .flatMap(q => [].concat(q.credentialQuery)).map(q => q.example);
  const matched = input.credentials.filter(credential => examples.some(example => matches(example, credential)));
  const presentation = vc.createPresentation({holder: holder.did, verifiableCredential: matched,
    version: holder.version});
  const signed = await vc.signPresentation({presentation, suite: holder.suite, challenge: request.challenge,
    domain: request.domain, documentLoader});
  const endpoint = request.interact?.service?.[0]?.serviceEndpoint ?? input.exchangeUrl;
  const answer = await post(endpoint, {verifiablePresentation: signed});
  return {request, matched: matched.length, status: answer.status, answer: answer.json};
}

async function answerOid4vp(input) {
  const holder = await holderKey('eddsa-rdfc-2022', input.keyPair);
  const {authorizationRequest} = await oid4vp.getAuthorizationRequest({url: input.link});
  const {verifiablePresentationRequest: vpr} = oid4vp.toVpr({authorizationRequest});
  const examples = [].concat(vpr.query || []).filter(q => q.type === 'QueryByExample')
    .flatMap(q => [].concat(q.credentialQuery)).map(q => q.example);
  const matched = input.credentials.filter(credential => examples.some(example => matches(example, credential)));
  const presentation = vc.createPresentation({holder: holder.did, verifiableCredential: matched, version: 2.0});
  const signed = await vc.signPresentation({presentation, suite: holder.suite, challenge: vpr.challenge,
    domain: vpr.domain, documentLoader});
  const queryId = authorizationRequest.dcql_query.credentials[0].id;
  try {
    const {result} = await oid4vp.sendAuthorizationResponse({authorizationRequest,
      vpToken: JSON.stringify({[queryId]: [signed]}), vpTokenMediaType: 'application/json'});
    return {request: authorizationRequest, vpr, matched: matched.length, result};
  } catch(error) {
    return {request: authorizationRequest, vpr, matched: matched.length,
      error: String(error.message), status: error.cause?.status, data: error.cause?.data};
  }
}

async function answerOid4vpOwf(input) {
  setGlobalConfig({allowInsecureUrls: true}); // the live test server is plain HTTP on loopback
  const holder = await holderKey('eddsa-rdfc-2022', input.keyPair);
  const client = new Openid4vpClient({callbacks: {fetch}});
  const parsed = client.parseOpenid4vpAuthorizationRequest({authorizationRequest: input.link});
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({authorizationRequestPayload: parsed.params});
  const request = resolved.authorizationRequestPayload;
  const [query] = resolved.dcql.query.credentials;
  const presentation = vc.createPresentation({holder: holder.did, verifiableCredential: input.credentials,
    version: 2.0});
  const signed = await vc.signPresentation({presentation, suite: holder.suite, challenge: request.nonce,
    domain: request.client_id, documentLoader});
  const {authorizationResponsePayload} = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request, authorizationResponsePayload: {vp_token: {[query.id]: [signed]}}
  });
  const {response} = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request, authorizationResponsePayload
  });
  return {request, dcql: resolved.dcql, client: resolved.client, status: response.status,
    body: await response.json()};
}

async function main() {
  const input = JSON.parse(await new Promise(resolve => {
    let data = '';
    process.stdin.on('data', chunk => data += chunk);
    process.stdin.on('end', () => resolve(data));
  }));
  let output;
  if(input.op === 'receive') {
    output = await receive(input);
  } else if(input.op === 'present') {
    output = await present(input);
  } else if(input.op === 'oid4vp') {
    output = await answerOid4vp(input);
  } else if(input.op === 'oid4vp-owf') {
    output = await answerOid4vpOwf(input);
  } else if(input.op === 'verify') {
    output = await verifyReceived(input.credential);
  } else {
    throw new Error(`unknown op ${input.op}`);
  }
  process.stdout.write(JSON.stringify(output));
}

main().catch(error => {
  process.stderr.write(String(error?.stack || error));
  process.exit(1);
});
