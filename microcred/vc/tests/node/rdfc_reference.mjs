#!/usr/bin/env node
// RDFC-1.0 canonical N-Quads exactly as the eddsa-rdfc-2022 reference cryptosuite computes them before signing
// (jsonld.js toRDF in safe mode with rdfDirection "i18n-datatype", then rdf-canonize).
//
//   node rdfc_reference.mjs < [document, ...]  ->  [{"nquads": "…"} | {"error": "<safe-mode event code or message>"}, ...]
//
// Contexts are served only from microcred/vc/contexts (index.json); any other URL is refused.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const CONTEXTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'contexts');
const INDEX = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));

async function documentLoader(url) {
  if(!(url in INDEX)) {
    throw new Error(`Context not bundled: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync(join(CONTEXTS_DIR, INDEX[url]), 'utf8'))};
}

const answers = [];
for(const document of JSON.parse(readFileSync(0, 'utf8'))) {
  try {
    answers.push({nquads: await cryptosuite.canonize(document, {documentLoader})});
  } catch(error) {
    answers.push({error: error?.details?.event?.code || error.message});
  }
}
process.stdout.write(JSON.stringify(answers) + '\n');
