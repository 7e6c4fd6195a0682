import { describe, expect, it } from 'vitest'
import { checkResult, eventViolations, validateResult } from '../../src/cloudfront/validate.js'
import { limits } from '../../src/cloudfront/limits.js'
import { STAGES } from '../../src/cloudfront/types.js'
import { SAMPLES, codes, passthrough, sample, type SampleName } from './helpers.js'

const names = Object.keys(SAMPLES) as SampleName[]

describe('AWS sample events', () => {
  for (const name of names) {
    const stage = SAMPLES[name]
    for (const profile of [limits.classic, limits.current]) {
      it(`${name} returned unchanged is valid under ${profile.name}`, () => {
        const event = sample(name)
        const r = checkResult(stage, event, passthrough(stage, event), profile)
        expect(r.violations).toEqual([])
        expect(r.warnings).toEqual([])
      })
    }
    it(`${name} is a well-formed ${stage} event`, () => {
      expect(eventViolations(sample(name), stage)).toEqual([])
      expect(eventViolations(sample(name))).toEqual([])
    })
    it(`${name} is not an event of the other stages`, () => {
      for (const other of STAGES) {
        if (other === stage) continue
        const v = eventViolations(sample(name), other)
        expect(codes(v).length).toBeGreaterThan(0)
        expect(new Set(codes(v))).toEqual(new Set(['InvalidEvent']))
        expect(v.some((x) => x.path === 'Records[0].cf.config.eventType')).toBe(true)
      }
    })
  }

  it('the same object as the input is valid too (a handler returning event.Records[0].cf.request)', () => {
    const event = sample('viewer-request')
    expect(validateResult('viewer-request', event, event.Records[0]!.cf.request)).toEqual([])
    const ev2 = sample('viewer-response')
    expect(validateResult('viewer-response', ev2, ev2.Records[0]!.cf.response)).toEqual([])
  })

  it('a JSON round trip of the result changes nothing', () => {
    for (const name of names) {
      const stage = SAMPLES[name]
      const event = sample(name)
      expect(validateResult(stage, event, JSON.parse(JSON.stringify(passthrough(stage, event))))).toEqual([])
    }
  })
})
