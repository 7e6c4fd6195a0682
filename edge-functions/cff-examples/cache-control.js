// viewer-response, cloudfront-js-1.0 or 2.0: successful and redirect responses are cached by browsers for two
// years (errors are not).
function handler(event) {
  var response = event.response
  if (response.statusCode >= 200 && response.statusCode < 400) {
    response.headers['cache-control'] = { value: 'public, max-age=63072000' }
  }
  return response
}
