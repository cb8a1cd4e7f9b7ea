#!/usr/bin/env node
// Cross-checks microcred's Data Integrity proofs with the Digital Bazaar reference libraries.
//
//   node crosscheck.mjs verify [JSON]   -> {"verified": bool, "error": string|null, "proofs": [{"id", "cryptosuite",
//                                           "verificationMethod", "verified", "error"}, ...]}
//   node crosscheck.mjs sign [JSON]     -> the signed credential
//   node crosscheck.mjs canonize [JSON] -> {"nquads": "…"} (RDFC-1.0 of {"document": {...}}, jsonld safe mode)
//   node crosscheck.mjs batch [JSON]    -> an array of answers, one per request {"op": "verify"|"sign"|"canonize", ...}
//
// JSON comes from the argument or, without one, from stdin.
//
// verify request: {"credential": {...}, "mode": "credential"|"assertion", "now": "2030-01-01T00:00:00Z",
//                  "keys": [{"id": vm, "controller": url, "publicKeyMultibase": "z6Mk…"}], "documents": {url: doc}}
//   mode "credential" (default) runs @digitalbazaar/vc verifyCredential (VC data model checks, issuer must be the
//   controller of the verification method); mode "assertion" runs jsonld-signatures with an assertionMethod purpose
//   only (for documents such as the W3C vectors whose issuer is not the key's controller).
//   A bare credential (an object with "@context") is accepted too.
// sign request: {"credential": {...}, "keyPair": {"publicKeyMultibase": "z6Mk…", "secretKeyMultibase": "z3u2…"},
//                "verificationMethod": "did:key:…#…",
//                "cryptosuite": "eddsa-rdfc-2022"|"eddsa-jcs-2022"|"Ed25519Signature2020" (the legacy suite),
//                "proofPurpose": "assertionMethod"|"authentication", "challenge": "…", "domain": "…",
//                "created": "2024-01-01T00:00:00Z", "mode": "credential"|"assertion"}
//
// Contexts are served only from microcred/vc/contexts (index.json); did:key is resolved locally; any other URL is
// refused unless it is one of the request's "keys" or "documents".
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcCryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite as jcsSignCryptosuite, createVerifyCryptosuite as jcsVerifyCryptosuite}
  from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {driver as didKeyDriverFactory} from '@digitalbazaar/did-method-key';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import jsigs from 'jsonld-signatures';
import jsonld from 'jsonld';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTEXTS_DIR = join(HERE, '..', '..', 'contexts');
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

const BUNDLED = new Map();
for(const [url, file] of Object.entries(JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8')))) {
  BUNDLED.set(url, JSON.parse(readFileSync(join(CONTEXTS_DIR, file), 'utf8')));
}

const didKeyDriver = didKeyDriverFactory();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function controllerDocuments(keys = []) {
  // A Multikey verification method and its controller document for each key, so that non-did:key
  // verification methods (https URLs) resolve offline.
  const documents = new Map();
  for(const key of keys) {
    const controller = key.controller || key.id.split('#')[0];
    const method = {
      '@context': MULTIKEY_V1, id: key.id, type: 'Multikey', controller,
      publicKeyMultibase: key.publicKeyMultibase
    };
    documents.set(key.id, method);
    const existing = documents.get(controller) || {
      '@context': [DID_V1, MULTIKEY_V1], id: controller, verificationMethod: [], assertionMethod: [],
      authentication: []
    };
    const {'@context': _ignored, ...embedded} = method;
    existing.verificationMethod.push(embedded);
    existing.assertionMethod.push(key.id);
    existing.authentication.push(key.id);
    documents.set(controller, existing);
  }
  return documents;
}

function makeDocumentLoader({keys, documents} = {}) {
  const extra = controllerDocuments(keys);
  for(const [url, doc] of Object.entries(documents || {})) {
    extra.set(url, doc);
  }
  return async url => {
    const found = BUNDLED.get(url) ?? extra.get(url);
    if(found !== undefined) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(found)};
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(`Document loader refused "${url}": not bundled with microcred.`);
  };
}

function errorMessage(error) {
  if(!error) {
    return null;
  }
  if(Array.isArray(error)) {
    return error.map(errorMessage).join('; ');
  }
  if(error.errors) {
    return errorMessage(error.errors);
  }
  const message = error.message || String(error);
  // jsonld wraps the loader's own error (why a URL was refused) as a cause.
  const cause = error.details?.cause ?? error.cause;
  return cause ? `${message} (${errorMessage(cause)})` : message;
}

function firstError(result) {
  if(result.error) {
    return errorMessage(result.error);
  }
  for(const proofResult of result.results || []) {
    if(!proofResult.verified && proofResult.error) {
      return errorMessage(proofResult.error);
    }
  }
  return 'not verified';
}

async function verify(request) {
  const credential = request.credential ?? request;
  const documentLoader = makeDocumentLoader(request);
  const suite = [
    new DataIntegrityProof({cryptosuite: rdfcCryptosuite}),
    new DataIntegrityProof({cryptosuite: jcsVerifyCryptosuite()})
  ];
  let result;
  try {
    if(request.mode === 'assertion') {
      result = await jsigs.verify(credential, {
        suite, documentLoader, purpose: new jsigs.purposes.AssertionProofPurpose()
      });
    } else {
      result = await vc.verifyCredential({
        credential, suite, documentLoader, now: request.now,
        // Status lists are not what this cross-check is about.
        checkStatus: async () => ({verified: true})
      });
    }
  } catch(error) {
    return {verified: false, error: errorMessage(error), proofs: []};
  }
  // jsonld-signatures calls a document verified when ANY of its proofs verifies: report each proof as well.
  const proofs = (result.results || []).map(proofResult => ({
    id: proofResult.proof?.id ?? null,
    cryptosuite: proofResult.proof?.cryptosuite ?? null,
    verificationMethod: proofResult.proof?.verificationMethod ?? null,
    verified: Boolean(proofResult.verified),
    error: proofResult.verified ? null : errorMessage(proofResult.error ?? proofResult.purposeResult?.error)
  }));
  return {verified: Boolean(result.verified), error: result.verified ? null : firstError(result), proofs};
}

async function sign(request) {
  const {credential, keyPair, verificationMethod} = request;
  const controller = verificationMethod.split('#')[0];
  const key = await Ed25519Multikey.from({
    id: verificationMethod, controller,
    publicKeyMultibase: keyPair.publicKeyMultibase,
    secretKeyMultibase: keyPair.secretKeyMultibase ?? keyPair.privateKeyMultibase
  });
  const name = request.cryptosuite || 'eddsa-rdfc-2022';
  const documentLoader = makeDocumentLoader(request);
  if(name === 'Ed25519Signature2020') {
    const suite = new Ed25519Signature2020({signer: key.signer(), date: request.created});
    const purpose = request.proofPurpose === 'authentication' ?
      new jsigs.purposes.AuthenticationProofPurpose({challenge: request.challenge, domain: request.domain}) :
      new jsigs.purposes.AssertionProofPurpose();
    return jsigs.sign(structuredClone(credential), {suite, documentLoader, purpose});
  }
  let cryptosuite;
  if(name === 'eddsa-rdfc-2022') {
    cryptosuite = rdfcCryptosuite;
  } else if(name === 'eddsa-jcs-2022') {
    cryptosuite = jcsSignCryptosuite();
  } else {
    throw new Error(`Unsupported cryptosuite "${name}".`);
  }
  const suite = new DataIntegrityProof({signer: key.signer(), cryptosuite, date: request.created});
  const unsigned = structuredClone(credential);
  if(request.mode === 'assertion') {
    return jsigs.sign(unsigned, {suite, documentLoader, purpose: new jsigs.purposes.AssertionProofPurpose()});
  }
  return vc.issue({credential: unsigned, suite, documentLoader, now: request.now});
}

async function canonize(request) {
  const nquads = await jsonld.canonize(request.document, {
    algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader: makeDocumentLoader(request), safe: true
  });
  return {nquads};
}

async function answer(request) {
  const op = request.op;
  if(op === 'verify') {
    return verify(request);
  }
  if(op === 'sign' || op === 'canonize') {
    try {
      return await (op === 'sign' ? sign(request) : canonize(request));
    } catch(error) {
      return {error: errorMessage(error)};
    }
  }
  return {error: `Unknown op "${op}".`};
}

async function main() {
  const [command, argument] = process.argv.slice(2);
  const text = argument ?? readFileSync(0, 'utf8');
  const input = JSON.parse(text);
  let output;
  if(command === 'verify') {
    output = await verify(input);
  } else if(command === 'sign') {
    output = await sign(input);
  } else if(command === 'canonize') {
    output = await canonize(input);
  } else if(command === 'batch') {
    output = [];
    for(const request of input) {
      output.push(await answer(request));
    }
  } else {
    process.stderr.write('usage: crosscheck.mjs verify|sign|canonize|batch [JSON]\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(output) + '\n');
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
