import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { samples } from 'edgeware/testing'
import { REFERENCE_EVENTS as reference } from '../cloudfront/helpers.js'

// The one copy of AWS's sample events that edgeware ships (and every suite uses) must stay byte-for-byte the
// reference's. The reference lives in the steering repo's shared/, beside this checkout (CI clones it there).
const FILES = {
  'viewer-request.json': samples.viewerRequestSample,
  'origin-request-custom.json': samples.originRequestCustomSample,
  'origin-request-s3-body.json': samples.originRequestS3BodySample,
  'origin-response.json': samples.originResponseSample,
  'viewer-response.json': samples.viewerResponseSample,
}

describe.skipIf(reference === undefined)('edgeware/testing samples', () => {
  for (const [file, shipped] of Object.entries(FILES)) {
    it(`${file} is the shared reference event, unchanged`, () => {
      expect(shipped).toStrictEqual(JSON.parse(readFileSync(join(reference!, file), 'utf8')))
    })
  }
})
