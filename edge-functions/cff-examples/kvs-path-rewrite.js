// viewer-request, cloudfront-js-2.0: the first path segment is looked up in the key value store and replaced
// by its value (/blog/post → /v2-blog/post); an unknown segment leaves the URI alone.
import cf from 'cloudfront'

const store = cf.kvs()

async function handler(event) {
  const request = event.request
  const segments = request.uri.split('/')
  try {
    segments[1] = await store.get(segments[1])
    console.log('rewrote ' + request.uri + ' to ' + segments.join('/'))
    request.uri = segments.join('/')
  } catch (err) {
    console.log('kept ' + request.uri + ': ' + err.message)
  }
  return request
}
