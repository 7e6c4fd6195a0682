import { describe, expect, it } from 'vitest'
import {
  DISALLOWED_HEADERS,
  READ_ONLY_HEADERS,
  assertHeaderValue,
  assertHeaderWritable,
  canonicalHeaderKey,
  isDisallowedHeader,
  statusText,
} from '../../src/cloudfront/rules.js'
import { VIOLATION_CODES } from '../../src/cloudfront/validate.js'
import { EdgeRuleError } from '../../src/core/errors.js'
import { STAGES, type Stage } from '../../src/cloudfront/types.js'

function ruleOf(fn: () => void): string | undefined {
  try {
    fn()
    return undefined
  } catch (e) {
    expect(e).toBeInstanceOf(EdgeRuleError)
    return (e as EdgeRuleError).rule
  }
}

describe('assertHeaderWritable', () => {
  for (const stage of STAGES) {
    for (const name of READ_ONLY_HEADERS[stage]) {
      it(`${stage}: ${name} (any case) is ReadOnlyHeader`, () => {
        expect(ruleOf(() => assertHeaderWritable(stage, name))).toBe('ReadOnlyHeader')
        expect(ruleOf(() => assertHeaderWritable(stage, canonicalHeaderKey(name)))).toBe('ReadOnlyHeader')
      })
    }
  }
  it('every disallowed header and prefix family is DisallowedHeader in every stage', () => {
    for (const stage of STAGES) {
      for (const name of [...DISALLOWED_HEADERS, 'X-Amz-Cf-Pop', 'x-edge-origin-shield']) {
        expect(ruleOf(() => assertHeaderWritable(stage, name))).toBe('DisallowedHeader')
      }
    }
  })
  it('CloudFront-Viewer-Country is ViewerCountryAdded in viewer-request only', () => {
    expect(ruleOf(() => assertHeaderWritable('viewer-request', 'CloudFront-Viewer-Country'))).toBe('ViewerCountryAdded')
    for (const stage of ['origin-request', 'origin-response', 'viewer-response'] as Stage[]) {
      expect(ruleOf(() => assertHeaderWritable(stage, 'CloudFront-Viewer-Country'))).toBeUndefined()
    }
  })
  it('invalid names are InvalidHeaderName; ordinary names pass', () => {
    for (const name of ['', 'x a', 'x:y', 'ä', 'x\n']) expect(ruleOf(() => assertHeaderWritable('origin-response', name))).toBe('InvalidHeaderName')
    for (const name of ['x-ab', 'Set-Cookie', 'cache-control']) expect(ruleOf(() => assertHeaderWritable('origin-response', name))).toBeUndefined()
  })
  it('the error carries the stage and the value', () => {
    try {
      assertHeaderWritable('viewer-request', 'Host')
    } catch (e) {
      expect((e as EdgeRuleError).stage).toBe('viewer-request')
      expect((e as EdgeRuleError).value).toBe('Host')
      expect((e as EdgeRuleError).message).toContain('Host')
    }
  })
  it('every rule it throws is a validator code', () => {
    for (const r of ['ReadOnlyHeader', 'DisallowedHeader', 'InvalidHeaderValue', 'InvalidHeaderName', 'ViewerCountryAdded']) {
      expect(VIOLATION_CODES).toContain(r)
    }
  })
})

describe('assertHeaderValue', () => {
  it('accepts strings with tabs and non-ASCII', () => {
    expect(ruleOf(() => assertHeaderValue('x', 'a\tb ü'))).toBeUndefined()
  })
  it('rejects non-strings and control characters with InvalidHeaderValue', () => {
    for (const v of [1, null, undefined, ['a'], { value: 'a' }, 'a\r\nb', 'a\nb', 'a\rb', '\u0000', '\u007f']) {
      expect(ruleOf(() => assertHeaderValue('x', v))).toBe('InvalidHeaderValue')
    }
  })
})

describe('canonicalHeaderKey and friends', () => {
  it('capitalises each hyphen-separated part', () => {
    expect(canonicalHeaderKey('user-agent')).toBe('User-Agent')
    expect(canonicalHeaderKey('X-FORWARDED-FOR')).toBe('X-Forwarded-For')
    expect(canonicalHeaderKey('cloudfront-viewer-country')).toBe('Cloudfront-Viewer-Country')
    expect(canonicalHeaderKey('etag')).toBe('Etag')
    expect(canonicalHeaderKey('a--b')).toBe('A--B')
    expect(canonicalHeaderKey('')).toBe('')
  })
  it('isDisallowedHeader covers prefixes but not lookalikes', () => {
    expect(isDisallowedHeader('x-amz-cf-anything')).toBe(true)
    expect(isDisallowedHeader('x-edge-anything')).toBe(true)
    expect(isDisallowedHeader('x-amz-meta-a')).toBe(false)
    expect(isDisallowedHeader('x-amzn-trace-id')).toBe(false)
  })
  it('statusText', () => {
    expect(statusText(302)).toBe('Found')
    expect(statusText(299)).toBe('')
  })
})
