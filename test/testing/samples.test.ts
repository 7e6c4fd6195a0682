import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { samples } from 'edgeware/testing'

// The one copy of AWS's sample events that edgeware ships (and every suite uses) must stay byte-for-byte the
// reference's. The reference lives in the steering repo's shared/, beside this checkout (CI clones it there).
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const reference = [join(repo, '..', 'shared', 'reference', 'events'), '/work/shared/reference/events'].find((d) => existsSync(d))

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
