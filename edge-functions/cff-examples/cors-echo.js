// viewer-response, cloudfront-js-2.0: when the origin sent no Access-Control-Allow-Origin, allow the origin the
// request came from.
async function handler(event) {
  var response = event.response
  var origin = event.request.headers.origin
  if (response.headers['access-control-allow-origin'] === undefined && origin !== undefined) {
    response.headers['access-control-allow-origin'] = { value: origin.value }
    console.log('allowed origin ' + origin.value)
  }
  return response
}
