// viewer-request, cloudfront-js-2.0: weighted A/B split of the first path segment, configured in the key value
// store as JSON ({"a_weight":0.8,"a":"v1","b":"v2"}); a "variant" cookie naming a segment keeps the viewer on it.
import cf from 'cloudfront'

async function pick(key) {
  const split = await cf.kvs().get(key, { format: 'json' })
  if (!split || !isFinite(split.a_weight)) return null
  return Math.random() < split.a_weight ? split.a : split.b
}

async function handler(event) {
  const request = event.request
  const segments = request.uri.split('/')
  const key = segments[1]
  const sticky = request.cookies.variant
  if (!key || (sticky && sticky.value === key)) return request
  try {
    const variant = await pick(key)
    if (variant) {
      segments[1] = variant
      request.uri = segments.join('/')
    }
  } catch (err) {
    // no split configured for this segment
  }
  return request
}
